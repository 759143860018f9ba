/**
 * Recovery: a job whose process died (Docker Desktop restarting, a killed host, a laptop switched off) is
 * found unfinished in the store when that process starts again, and each instance is brought back to a
 * consistent state without being asked:
 *
 * - a job that had committed (its new container served and passed its checks) is finished: the commit's
 *   forward steps run (the old container removed, the new one running if the instance ran);
 * - any other is undone to exactly the state before: the undo of every step begun runs, newest first (the
 *   new container removed, the old one given its name back, the data put back), then what ran is started
 *   again and waited for. Workers, set-aside containers and temporary files go.
 *
 * Every action is safe to run twice, and none deletes a volume that held data before the job: only the
 * scratch volumes the job itself made and recorded as such (an upgrade's half-made copy) go with it.
 */
import { containerIdsOfInstanceArgs, upgradeWorkerIdsArgs } from '../docker/containers';
import { HELPER_FROM, HELPER_TO, REPLACE_VOLUMES_SCRIPT, CANCEL_SCRIPT } from '../docker/data-scripts';
import { execScriptArgs } from '../docker/exec';
import { helperRunArgs } from '../docker/helpers';
import { removeContainerArgs, renameArgs, startArgs, stopArgs } from '../docker/lifecycle';
import type { DockerRunner } from '../docker/runner';
import { volumeRemoveArgs } from '../docker/volumes';
import { getEngine } from '../engines';
import type { Instance } from '../model/instance';
import type { Credentials } from '../use-cases/credentials';
import type { InstanceLifecycle } from '../use-cases/lifecycle';
import type { Readiness } from '../use-cases/readiness';
import type { JobMark, Undo, UnfinishedJob } from './job';

export interface RecoveryPorts {
  docker: DockerRunner;
  lifecycle: Pick<InstanceLifecycle, 'get'>;
  readiness: Pick<Readiness, 'waitUntilReady'>;
  credentials: Pick<Credentials, 'apply'>;
}

export interface Recovered {
  recovered: 'completed' | 'undone';
  /** For the job's history and the tab: what was interrupted where, and what recovery did. */
  message: string;
}

/** How long recovery waits for a server it started again (the whole recovery stays within a minute). */
const READY_WITHIN_MS = 45_000;

/**
 * Actions that put things back in place run first; starting what ran, and what needs a running server (its
 * password set again, a temporary file removed from its container), runs last.
 */
const SETTLES: ReadonlySet<Undo['do']> = new Set(['start', 'reapply-password', 'remove-temp']);

/** The actions recovery runs for a journal, in order, and whether they finish the job or undo it. */
export function recoveryPlan(marks: readonly JobMark[]): { how: 'completed' | 'undone'; actions: Undo[]; at: string | undefined } {
  const at = [...marks].reverse().find((m) => m.phase === 'begin' || m.phase === 'commit')?.step;
  const commit = [...marks].reverse().find((m): m is Extract<JobMark, { phase: 'commit' }> => m.phase === 'commit');
  if (commit) return { how: 'completed', actions: commit.forward, at };
  const undos = marks
    .filter((m): m is Extract<JobMark, { phase: 'begin' }> => m.phase === 'begin')
    .reverse()
    .flatMap((m) => m.undo);
  const first = undos.filter((u) => !SETTLES.has(u.do));
  // A container started once is enough; the password is set again after its server runs.
  const starts = dedupe(undos.filter((u) => u.do === 'start'));
  const after = dedupe(undos.filter((u) => u.do === 'reapply-password' || u.do === 'remove-temp'));
  return { how: 'undone', actions: [...first, ...starts, ...after], at };
}

function dedupe(list: Undo[]): Undo[] {
  const seen = new Set<string>();
  return list.filter((u) => {
    const key = JSON.stringify(u);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * What interrupted a job, in the words of its end: the process running it died (the default), or the Docker
 * engine went away under it (the runner then recovers it once the engine answers again).
 */
export type InterruptCause = 'Dockbase stopped' | 'the Docker engine went away';

export async function recoverJob(ports: RecoveryPorts, unfinished: UnfinishedJob, cause: InterruptCause = 'Dockbase stopped'): Promise<Recovered> {
  const { job, marks } = unfinished;
  const plan = recoveryPlan(marks);
  for (const action of plan.actions) await runAction(ports, action);
  const where = plan.at ? ` at “${plan.at}”` : ' before its first step';
  return { recovered: plan.how, message: `${job.title} was interrupted${where} (${cause}). ${recoveryWords(job, plan)}` };
}

/** What recovery did, in words, for the job's history and the tab. */
function recoveryWords({ kind, instanceName }: UnfinishedJob['job'], plan: ReturnType<typeof recoveryPlan>): string {
  if (plan.how === 'completed') return 'Dockbase finished it.';
  if (kind === 'create' || kind === 'clone')
    return plan.actions.length > 0 ? `${instanceName} was not made: what the job had made was removed.` : `${instanceName} was not made.`;
  // Nothing undoes these: the instance is as far as the job got, which the list shows.
  if (kind === 'delete')
    return `What was not deleted of ${instanceName} yet is still there (the instance, or its data under Kept data): delete it again to finish.`;
  if (kind === 'start' || kind === 'stop' || kind === 'restart') return `The list shows whether ${instanceName} runs.`;
  // A migration only ever read its instance's data: the new instance it was making goes.
  if (kind === 'migrate')
    return `${instanceName} is as it was${plan.actions.some((a) => a.do === 'start') ? ', and runs again' : ''}; the new instance was not made${plan.actions.length > 0 ? ': what the job had made for it was removed' : ''}.`;
  // A branch copy only read its instance's data (stopped for the copy): the copy it was making goes.
  if (kind === 'branch')
    return `${instanceName} keeps its data as it was${plan.actions.some((a) => a.do === 'start') ? ', and runs again' : ''}; the branch copy was not made${plan.actions.length > 0 ? ': what the job had made for it was removed' : ''}.`;
  if (plan.at === undefined) return `${instanceName} was not changed.`;
  return `${instanceName} was put back as it was before${plan.actions.some((a) => a.do === 'start') ? ', and runs again' : ''}.`;
}

/** Runs one action, best effort: each is safe to repeat, and one that cannot run does not stop the others. */
export async function runAction(ports: RecoveryPorts, action: Undo): Promise<void> {
  const { docker } = ports;
  switch (action.do) {
    case 'start': {
      const r = await docker.bestEffort(startArgs(action.container));
      if (r?.code !== 0) return;
      const instance = await ports.lifecycle.get(action.instanceId).catch(() => undefined);
      if (instance) await ports.readiness.waitUntilReady(instance, { restarted: true, timeoutMs: READY_WITHIN_MS }).catch(() => undefined);
      return;
    }
    case 'stop':
      await docker.bestEffort(stopArgs(action.container, getEngine(action.engine).stopTimeoutSeconds));
      return;
    case 'rename':
      await docker.bestEffort(renameArgs(action.container, action.to));
      return;
    case 'remove-others': {
      const ids = (await docker.bestEffort(containerIdsOfInstanceArgs(action.instanceId)))?.stdout.split('\n').map((l) => l.trim()) ?? [];
      const others = ids.filter((id) => id && id !== action.keep && !action.keep.startsWith(id));
      if (others.length) await docker.bestEffort(removeContainerArgs(...others));
      return;
    }
    case 'remove':
      if (action.containers.length) await docker.bestEffort(removeContainerArgs(...action.containers));
      return;
    case 'remove-workers': {
      const ids = (await docker.bestEffort(upgradeWorkerIdsArgs(action.instanceName, action.runId)))?.stdout.split('\n').filter(Boolean) ?? [];
      if (ids.length) await docker.bestEffort(removeContainerArgs(...ids));
      return;
    }
    case 'replace-data': {
      const mounts = action.volumes.flatMap((v) => [
        { volume: v.from, target: `${HELPER_FROM}/${v.key}`, readonly: true },
        { volume: v.to, target: `${HELPER_TO}/${v.key}` },
      ]);
      await docker.bestEffort(helperRunArgs('restore', action.image, mounts, REPLACE_VOLUMES_SCRIPT));
      return;
    }
    case 'forget-snapshot':
      await docker.bestEffort(volumeRemoveArgs([action.manifestVolume]));
      return;
    case 'remove-scratch-volumes':
      if (action.volumes.length) await docker.bestEffort(volumeRemoveArgs(action.volumes));
      return;
    case 'remove-temp':
      await docker.bestEffort(execScriptArgs(action.container, CANCEL_SCRIPT, action.path));
      return;
    case 'reapply-password': {
      const instance: Instance | undefined = await ports.lifecycle.get(action.instanceId).catch(() => undefined);
      if (!instance || instance.status !== 'running') return;
      const ready = await ports.readiness.waitUntilReady(instance, { restarted: true, timeoutMs: READY_WITHIN_MS }).catch(() => undefined);
      if (ready) await ports.credentials.apply(ready).catch(() => undefined);
      return;
    }
  }
}
