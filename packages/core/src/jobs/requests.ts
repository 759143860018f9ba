/**
 * What a door asks a job runner to do: one request per kind, as JSON (the backend's HTTP body, the CLI's own
 * call). `parseJobRequest` checks a request from outside field by field; secrets in it (an edit's new
 * password) are used in memory only, never stored (the store keeps the Job, not the request).
 */
import type { EditChanges } from '../use-cases/edit';
import { InvalidInputError } from '../model/errors';
import { JOB_KINDS, type JobKind } from './job';

export type JobRequest =
  | { kind: 'upgrade'; instanceId: string; to: string }
  | { kind: 'rollback'; instanceId: string; pointId: string }
  | { kind: 'edit'; instanceId: string; changes: EditChanges }
  | { kind: 'restore'; instanceId: string; snapshotId: string }
  | { kind: 'snapshot'; instanceId: string; name: string }
  /** `file`: where the page (or the CLI) put the file in the container (`Backups.sendImportFile`). */
  | { kind: 'import'; instanceId: string; file: string; fileName: string }
  /** The dump only: its result (an ExportDump) is saved into the user's folder by the page or the CLI (`Backups.saveExport`). */
  | { kind: 'export'; instanceId: string };

const ID = /^[0-9a-f]{12}$/;

function str(o: Record<string, unknown>, key: string, max = 200): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw new InvalidInputError({ [key]: `${key} must be a string of 1 to ${max} characters` });
  return v;
}

/** A request from outside (JSON), checked: its kind, the instance's id, and each field its kind takes. */
export function parseJobRequest(body: unknown): JobRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidInputError({ kind: 'a job request is a JSON object' });
  const o = body as Record<string, unknown>;
  const kind = o.kind as JobKind;
  if (!JOB_KINDS.includes(kind)) throw new InvalidInputError({ kind: `kind must be one of ${JOB_KINDS.join(', ')}` });
  const instanceId = str(o, 'instanceId', 12);
  if (!ID.test(instanceId)) throw new InvalidInputError({ instanceId: 'instanceId is 12 hexadecimal characters' });
  switch (kind) {
    case 'upgrade':
      return { kind, instanceId, to: str(o, 'to', 128) };
    case 'rollback':
      return { kind, instanceId, pointId: str(o, 'pointId', 12) };
    case 'restore':
      return { kind, instanceId, snapshotId: str(o, 'snapshotId', 12) };
    case 'snapshot':
      return { kind, instanceId, name: str(o, 'name', 200) };
    case 'import':
      return { kind, instanceId, file: str(o, 'file', 100), fileName: str(o, 'fileName', 255) };
    case 'export':
      return { kind, instanceId };
    case 'edit': {
      const c = o.changes;
      if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new InvalidInputError({ changes: 'changes is a JSON object' });
      const changes: EditChanges = {};
      const ch = c as Record<string, unknown>;
      for (const key of Object.keys(ch)) {
        if (!['hostPort', 'exposeOnNetwork', 'password', 'restartPolicy', 'memoryBytes'].includes(key))
          throw new InvalidInputError({ changes: `unknown change ${key}` });
      }
      if (ch.hostPort !== undefined) {
        if (typeof ch.hostPort !== 'number') throw new InvalidInputError({ hostPort: 'hostPort is a number' });
        changes.hostPort = ch.hostPort;
      }
      if (ch.exposeOnNetwork !== undefined) {
        if (typeof ch.exposeOnNetwork !== 'boolean') throw new InvalidInputError({ exposeOnNetwork: 'exposeOnNetwork is true or false' });
        changes.exposeOnNetwork = ch.exposeOnNetwork;
      }
      if (ch.password !== undefined) {
        if (typeof ch.password !== 'string') throw new InvalidInputError({ password: 'password is a string' });
        changes.password = ch.password;
      }
      if (ch.restartPolicy !== undefined) {
        if (ch.restartPolicy !== 'no' && ch.restartPolicy !== 'unless-stopped')
          throw new InvalidInputError({ restartPolicy: 'restartPolicy is no or unless-stopped' });
        changes.restartPolicy = ch.restartPolicy;
      }
      if (ch.memoryBytes !== undefined) {
        if (ch.memoryBytes !== null && typeof ch.memoryBytes !== 'number') throw new InvalidInputError({ memoryBytes: 'memoryBytes is a number or null' });
        changes.memoryBytes = ch.memoryBytes;
      }
      return { kind, instanceId, changes };
    }
  }
}
