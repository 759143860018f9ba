import type { PasswordCheck } from '../use-cases/credentials';
import type { Job } from './job';

/** A verdict on a container's password, as the backend remembers it (no password in it). */
export interface PasswordVerdict {
  containerId: string;
  instanceId: string;
  status: 'ok' | 'rejected';
  message?: string;
}

/** What a job's result says of the instance's password, where it checked it: an edit, a restore, an import, a create or a clone. */
interface CheckedResult {
  containerId?: string;
  instance?: { containerId?: string };
  passwordCheck?: PasswordCheck;
  password?: PasswordCheck;
}

/**
 * The verdict on the instance's password a finished job reached (undefined when it checked none, or could
 * not tell), for the backend to remember (PasswordChecks): `containerId` is the instance's container now,
 * for a restore or an import, whose result does not name it.
 */
export function passwordVerdict(job: Job, containerId: string | undefined): PasswordVerdict | undefined {
  if (job.state !== 'succeeded') return undefined;
  const r = (job.result ?? {}) as CheckedResult;
  const check = r.passwordCheck ?? r.password;
  const container = r.instance?.containerId ?? r.containerId ?? containerId;
  if (!check || check.status === 'unverifiable' || !container) return undefined;
  return { containerId: container, instanceId: job.instanceId, status: check.status, ...(check.status === 'rejected' ? { message: check.message } : {}) };
}
