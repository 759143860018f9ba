/**
 * A job whose Docker engine goes away under it (Docker Desktop restarting, `systemctl restart docker`): its
 * docker commands fail from that moment, and so does whatever it would do to put things back, so its end is
 * not a failure like others. It is an interruption, as if Dockbase had stopped: what its journal says it began
 * is finished or undone by recovery (recovery.ts), once the engine answers again. Until then the job stays
 * running, on a step of its own, and keeps its instance (a half-replaced container must not be acted on). A
 * job whose journal leaves nothing to do (it had begun nothing, or only a start or a stop) ends at once.
 */
import { versionArgs } from '../docker/lifecycle';
import { sleep, type DockerRunner } from '../docker/runner';
import { isDockbaseError } from '../model/errors';
import type { Job, JobMark } from './job';
import { recoverJob, recoveryPlan, type Recovered, type RecoveryPorts } from './recovery';

/** The step of a job that waits for the engine to come back before it is put back (or finished). */
export const ENGINE_AWAY_STEP = 'engine-away';

/** How long apart the engine is asked whether it is back; the last wait repeats. */
export const ENGINE_BACK_POLL_MS = [1000, 2000, 4000, 8000, 15000] as const;

/** Whether the engine answers: only "the engine is unavailable" is a no (the bridge's own failure is not the engine's). */
export async function engineAnswers(docker: DockerRunner): Promise<boolean> {
  try {
    await docker.tryRun(versionArgs());
    return true;
  } catch (e) {
    return !isDockbaseError(e, 'engine-unavailable');
  }
}

/** Resolves once the engine answers again. */
export async function engineBack(docker: DockerRunner, pollMs: readonly number[] = ENGINE_BACK_POLL_MS): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await sleep(pollMs[Math.min(attempt, pollMs.length - 1)] ?? 15000);
    if (await engineAnswers(docker)) return;
  }
}

/**
 * The end of a job that failed while the engine did not answer: recovery of its journal (at once when it has
 * nothing to run; otherwise once the engine is back, `waiting` called first), in recovery's words.
 */
export async function recoverAfterEngineAway(
  ports: RecoveryPorts,
  job: Job,
  marks: readonly JobMark[],
  waiting: () => void,
  pollMs: readonly number[] = ENGINE_BACK_POLL_MS,
): Promise<Recovered> {
  if (recoveryPlan([...marks]).actions.length > 0) {
    waiting();
    await engineBack(ports.docker, pollMs);
  }
  return recoverJob(ports, { job, marks: [...marks] }, 'the Docker engine went away').catch((e: unknown) => ({
    recovered: 'undone' as const,
    message: `${job.title} was interrupted (the Docker engine went away), and putting ${job.instanceName} back failed: ${(e as Error).message}`,
  }));
}
