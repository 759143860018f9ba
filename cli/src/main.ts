/**
 * The `dockbase` bin: the command line over the real process. Docker runs through the Node adapter (exact argv,
 * no shell). Ctrl-C or SIGTERM first asks the running command to stop (a create removes what it made); a
 * second one exits at once.
 */
import { NodeDockerCli } from '@dockbase/docker-cli/node';
import type { Io } from './app';
import { EXIT } from './exit-codes';
import { FileJobStore } from './job-store';
import { faultHook } from './jobs';
import { defaultDataDir } from '@dockbase/host';
import { findRunningBackend } from '@dockbase/host/discovery';
import { runCli } from './program';

// A reader that stops early (`dockbase list | head -1`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const listeners = new Set<() => void>();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // `dockbase ui` installs its own handlers (the host's shutdown); then this one has nothing to say.
    if (process.listenerCount(signal) > 1 && listeners.size === 0) return;
    if (interrupted || listeners.size === 0) process.exit(EXIT.cancelled);
    interrupted = true;
    for (const listener of [...listeners]) listener();
  });
}

const io: Io = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  onInterrupt(handler) {
    listeners.add(handler);
    return () => {
      listeners.delete(handler);
      interrupted = false;
    };
  },
};

const onMark = faultHook(process.env.DOCKBASE_FAULT_AT, () => process.kill(process.pid, 'SIGKILL'));
const code = await runCli(process.argv.slice(2), io, new NodeDockerCli(), {
  store: () => new FileJobStore(),
  engineLock: true,
  // A test that kills the CLI at a step must run the job here, not in a host's backend.
  remote: process.env.DOCKBASE_FAULT_AT ? undefined : () => findRunningBackend(defaultDataDir()),
  // Where what this CLI does itself is recorded: the history of a host's backend, when one runs.
  history: () => findRunningBackend(defaultDataDir()),
  ...(onMark ? { onMark } : {}),
});
// Long-running commands (`ui`) keep the process alive on their own; everything else ends here.
process.exitCode = code;
