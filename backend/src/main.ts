import path from 'node:path';
import { createDockbase, JobRunner, passwordVerdict, recordIdOf, recordJobEnd } from '@dockbase/core';
import { readConfig } from './config.js';
import { backendDockerCli, checkDockerAccess } from './docker-access.js';
import { DockerStatus } from './docker-status.js';
import { HubTags } from './hub/tags.js';
import { faultHook, parseFaultAt, storeActivity } from './job-hooks.js';
import { dropPrivileges } from './privileges.js';
import { buildServer, listen } from './server.js';
import { Store } from './store/store.js';

/** How often recovery asks again whether docker answers, when it did not at start-up. */
const RECOVERY_RETRY_MS = 30_000;

try {
  const config = readConfig(process.argv.slice(2), process.env);
  // A test hook (backend/README.md, "Jobs"): refused at start when malformed, so a typo cannot pass a test.
  const faultAt = parseFaultAt(process.env.DOCKBASE_FAULT_AT);
  // Before anything is opened: as root (the extension image), take the socket and data folders, drop root.
  const dropped = dropPrivileges(config.user, [...(config.socket ? [path.dirname(config.socket)] : []), config.dataDir]);
  const store = Store.open(config.dataDir);
  const hub = new HubTags({ hubUrl: config.hubUrl, ttlMs: config.hubCacheTtlSeconds * 1000 });

  // The core over this machine's docker client: jobs run here, in a process that outlives the page.
  const cli = backendDockerCli(config.dockerCli);
  const dockbase = createDockbase(cli);
  const runner = new JobRunner({
    dockbase,
    cli,
    store: store.jobs,
    door: 'tab',
    // Under the id the page reads the instance's history by: its data's (an instance made on kept data keeps
    // the history of the data's first instance), or its own once it is gone.
    onEnd: async (job) => {
      const instance = await dockbase.lifecycle.get(job.instanceId).catch(() => undefined);
      await recordJobEnd(storeActivity(store), job, instance ? recordIdOf(instance) : job.instanceId);
      // What it found of the password is remembered, for the page to show after a reload.
      const verdict = passwordVerdict(job, instance?.containerId);
      if (verdict) {
        try {
          store.passwordChecks.put(verdict);
        } catch (err) {
          console.error(`dockbase backend: could not remember the password check of ${job.instanceName}:`, err instanceof Error ? err.message : err);
        }
      }
    },
    // Fault tests only: the process dies the moment the chosen mark is durable, as a crash would end it.
    ...(faultAt ? { onMark: faultHook(faultAt, () => process.kill(process.pid, 'SIGKILL')) } : {}),
  });
  const docker = new DockerStatus({ check: () => checkDockerAccess({ docker: config.dockerCli }) });
  const dockerChecked = docker.check();
  const app = buildServer({ store, hub, jobs: { runner }, docker, logger: { level: 'warn' } });

  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      // Closing the server stops new requests, lets running ones finish, closes the database (so the
      // WAL is checkpointed) and, for a unix socket, removes the socket file. Jobs still running are not
      // waited for (an upgrade can take many minutes): they stop with the process, and their journal,
      // durable step by step, lets the next start finish or undo each one (runner.recover, below).
      app.close().then(
        () => process.exit(0),
        (err: unknown) => {
          console.error('dockbase backend: shutdown failed:', err);
          process.exit(1);
        },
      );
    });
  }

  const address = await listen(app, config);
  const runtime = `Node ${process.versions.node}, SQLite via ${store.driver}${dropped ? `, ${dropped}` : ''}`;
  console.log(`dockbase backend listening on ${address} (data in ${config.dataDir}; ${runtime})`);

  // In the background (health answers meanwhile): once docker answers, what a dead process left unfinished is
  // finished or undone. Not before: a recovery whose docker commands cannot run would undo nothing yet say so.
  void (async () => {
    let access = await dockerChecked;
    console.log(
      access.ok
        ? `dockbase backend: docker answers (API ${access.apiVersion}, client ${config.dockerCli})`
        : `dockbase backend: docker does not answer: ${access.reason}`,
    );
    while (!access.ok) {
      await new Promise((resolve) => setTimeout(resolve, RECOVERY_RETRY_MS).unref());
      access = await docker.check();
    }
    for (const job of await runner.recover())
      console.log(`dockbase backend: recovered job ${job.id} (${job.kind} of ${job.instanceName}): ${job.message ?? job.recovered}`);
  })().catch((err: unknown) => console.error('dockbase backend: recovering unfinished jobs failed:', err instanceof Error ? err.message : err));
} catch (err) {
  console.error('dockbase backend: cannot start:', err instanceof Error ? err.message : err);
  process.exit(1);
}
