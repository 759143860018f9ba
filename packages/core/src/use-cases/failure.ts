/**
 * Why a container's last run ended badly, read from docker's own record of it (`State`: OOMKilled, ExitCode,
 * Error) and said the way a user understands it. Docker resets that record at the next successful start,
 * so a reason shows exactly until then.
 */
import { translateDockerError } from '../model/errors';
import type { InstanceFailure } from '../model/instance';
import type { ContainerStateRecord } from '../docker/containers';

export function failureFromState(state: ContainerStateRecord): InstanceFailure | undefined {
  const at = state.finishedAt ? { at: state.finishedAt } : {};
  if (state.oomKilled) {
    return {
      kind: 'out-of-memory',
      summary: 'Stopped by the kernel: it ran out of memory. Raise its memory limit (Edit) or give Docker more memory.',
      exitCode: state.exitCode,
      ...at,
    };
  }
  if (state.error) {
    return { kind: 'start-failed', summary: `Could not start: ${translateDockerError(state.error)}.`, exitCode: state.exitCode, ...at };
  }
  if (state.status === 'dead') return { kind: 'crashed', summary: 'Docker could not stop or remove it cleanly (dead).', exitCode: state.exitCode, ...at };
  if (state.status !== 'exited') return undefined;
  if (state.exitCode === 137) {
    return {
      kind: 'killed',
      summary: 'Killed (exit 137): by "docker kill", or because it did not stop within its stop timeout.',
      exitCode: 137,
      ...at,
    };
  }
  if (state.exitCode !== 0 && state.exitCode !== 143) {
    return { kind: 'crashed', summary: `Stopped by itself with exit code ${state.exitCode}: see its last log lines.`, exitCode: state.exitCode, ...at };
  }
  return undefined;
}
