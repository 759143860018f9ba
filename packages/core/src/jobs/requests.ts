/**
 * What a door asks a job runner to do: one request per kind, as JSON (the backend's HTTP body, the CLI's own
 * call). `parseJobRequest` checks a request from outside field by field; secrets in it (an edit's new
 * password, the password a restore's or an import's data keeps) are used in memory only, never stored (the
 * store keeps the Job, not the request).
 */
import type { EditChanges } from '../use-cases/edit';
import type { CloneInput } from '../use-cases/snapshots';
import type { MigrateInput } from '../use-cases/migrate';
import type { BranchCopyInput } from '../use-cases/branch-copy';
import type { CreateInstanceInput } from '../model/validation';
import { ENGINE_IDS } from '../engines/ids';
import { InvalidInputError } from '../model/errors';
import { JOB_KINDS, type JobKind } from './job';

export type JobRequest =
  /** A new instance (its image pulled when missing, then created and started). `seedFiles`: paths the runner's process can read. */
  | { kind: 'create'; input: CreateInstanceInput; seedFiles?: string[] }
  /** A new instance from a snapshot's data, started. */
  | { kind: 'clone'; snapshotId: string; input: CloneInput }
  /** Start or restart, up to the server answering; stop (the engine's own timeout to flush). */
  | { kind: 'start' | 'stop' | 'restart'; instanceId: string }
  | { kind: 'delete'; instanceId: string; removeData: boolean }
  | { kind: 'upgrade'; instanceId: string; to: string }
  | { kind: 'rollback'; instanceId: string; pointId: string }
  | { kind: 'edit'; instanceId: string; changes: EditChanges }
  /**
   * `dataPassword`: the snapshot's password, for engines that cannot have theirs set without the old one
   * (asksDataPassword): the instance takes it once the data is back, if it opens the data (data-password.ts).
   */
  | { kind: 'restore'; instanceId: string; snapshotId: string; dataPassword?: string }
  | { kind: 'snapshot'; instanceId: string; name: string }
  /** `file`: where the page (or the CLI) put the file in the container (`Backups.sendImportFile`). */
  | { kind: 'import'; instanceId: string; file: string; fileName: string; dataPassword?: string }
  /** The dump only: its result (an ExportDump) is saved into the user's folder by the page or the CLI (`Backups.saveExport`). */
  | { kind: 'export'; instanceId: string }
  /** A new instance of another engine (`input.engine`) from the instance's data; the instance is left as it was. */
  | { kind: 'migrate'; instanceId: string; input: MigrateInput }
  /** A copy of the instance for a git branch (`input.name`, labelled with the project and branch), serving on its port; the instance stops. */
  | { kind: 'branch'; instanceId: string; input: BranchCopyInput };

const ID = /^[0-9a-f]{12}$/;

function str(o: Record<string, unknown>, key: string, max = 200): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw new InvalidInputError({ [key]: `${key} must be a string of 1 to ${max} characters` });
  return v;
}

/** A restore's or an import's password for its data, when given: a string (the runner checks it against the engine's rules). */
function dataPassword(o: Record<string, unknown>): { dataPassword?: string } {
  if (o.dataPassword === undefined) return {};
  if (typeof o.dataPassword !== 'string' || o.dataPassword.length === 0 || o.dataPassword.length > 1024)
    throw new InvalidInputError({ dataPassword: 'dataPassword must be a string of 1 to 1024 characters' });
  return { dataPassword: o.dataPassword };
}

/** A request from outside (JSON), checked: its kind, the instance's id, and each field its kind takes. */
export function parseJobRequest(body: unknown): JobRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidInputError({ kind: 'a job request is a JSON object' });
  const o = body as Record<string, unknown>;
  const kind = o.kind as JobKind;
  if (!JOB_KINDS.includes(kind)) throw new InvalidInputError({ kind: `kind must be one of ${JOB_KINDS.join(', ')}` });
  if (kind === 'create') {
    const input = createInput(o.input, true) as unknown as CreateInstanceInput;
    const seeds = o.seedFiles;
    if (seeds === undefined) return { kind, input };
    if (!Array.isArray(seeds) || seeds.length > 50 || !seeds.every((f) => typeof f === 'string' && f.length > 0 && f.length <= 4096))
      throw new InvalidInputError({ seedFiles: 'seedFiles is a list of up to 50 paths' });
    return { kind, input, seedFiles: seeds as string[] };
  }
  if (kind === 'clone') {
    const snapshotId = str(o, 'snapshotId', 12);
    if (!ID.test(snapshotId)) throw new InvalidInputError({ snapshotId: 'snapshotId is 12 hexadecimal characters' });
    return { kind, snapshotId, input: createInput(o.input, false) as unknown as CloneInput };
  }
  const instanceId = str(o, 'instanceId', 12);
  if (!ID.test(instanceId)) throw new InvalidInputError({ instanceId: 'instanceId is 12 hexadecimal characters' });
  switch (kind) {
    case 'upgrade':
      return { kind, instanceId, to: str(o, 'to', 128) };
    case 'rollback':
      return { kind, instanceId, pointId: str(o, 'pointId', 12) };
    case 'restore':
      return { kind, instanceId, snapshotId: str(o, 'snapshotId', 12), ...dataPassword(o) };
    case 'snapshot':
      return { kind, instanceId, name: str(o, 'name', 200) };
    case 'import':
      return { kind, instanceId, file: str(o, 'file', 100), fileName: str(o, 'fileName', 255), ...dataPassword(o) };
    case 'migrate': {
      // A create's fields but those of a new data folder; without a password, the new instance takes the source's.
      const input = createInput(o.input, true, ['engine', 'name', 'tag', 'hostPort', 'exposeOnNetwork']);
      for (const key of ['persistData', 'user', 'database', 'keptDataPassword']) {
        if (key in input) throw new InvalidInputError({ input: `unknown field ${key}` });
      }
      return { kind, instanceId, input: input as unknown as MigrateInput };
    }
    case 'branch': {
      const input = o.input;
      if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new InvalidInputError({ input: 'input is a JSON object' });
      const i = input as Record<string, unknown>;
      for (const key of Object.keys(i)) if (key !== 'name' && key !== 'project') throw new InvalidInputError({ input: `unknown field ${key}` });
      const name = str(i, 'name', 200);
      objectField('project', i.project);
      const project = i.project as BranchCopyInput['project'];
      if (!project.branch) throw new InvalidInputError({ project: 'project.branch is required' });
      return { kind, instanceId, input: { name, project } };
    }
    case 'export':
    case 'start':
    case 'stop':
    case 'restart':
      return { kind, instanceId };
    case 'delete':
      if (typeof o.removeData !== 'boolean') throw new InvalidInputError({ removeData: 'removeData is true or false' });
      return { kind, instanceId, removeData: o.removeData };
    case 'edit': {
      const c = o.changes;
      if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new InvalidInputError({ changes: 'changes is a JSON object' });
      const changes: EditChanges = {};
      const ch = c as Record<string, unknown>;
      for (const key of Object.keys(ch)) {
        if (!['hostPort', 'exposeOnNetwork', 'password', 'restartPolicy', 'memoryBytes', 'settings'].includes(key))
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
      if (ch.settings !== undefined) {
        if (!isSettingsObject(ch.settings)) throw new InvalidInputError({ settings: 'settings is an object of text values' });
        changes.settings = ch.settings;
      }
      return { kind, instanceId, changes };
    }
  }
}

/** What a create's (or a clone's) input may hold, each field of its type: the create's own validation checks the values. */
const CREATE_FIELDS: Record<string, 'string' | 'number' | 'boolean' | 'settings'> = {
  engine: 'string',
  name: 'string',
  tag: 'string',
  image: 'string',
  hostPort: 'number',
  password: 'string',
  persistData: 'boolean',
  exposeOnNetwork: 'boolean',
  user: 'string',
  database: 'string',
  keptDataPassword: 'string',
  flavour: 'string',
  settings: 'settings',
};

/** Server settings as a request carries them: a JSON object of text values (their rules are model/settings.ts's). */
function isSettingsObject(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}
const CREATE_ONLY = ['engine', 'image', 'persistData', 'flavour'];
/** Fields of a create's input that are not one value: checked by their own shape (objectFields). */
const OBJECT_FIELDS = ['project'];

function createInput(
  value: unknown,
  create: boolean,
  required = create ? ['engine', 'name', 'tag', 'hostPort', 'password', 'persistData', 'exposeOnNetwork'] : ['name', 'hostPort', 'password', 'exposeOnNetwork'],
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidInputError({ input: 'input is a JSON object' });
  const input = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(input)) {
    if (OBJECT_FIELDS.includes(key)) {
      objectField(key, v);
      continue;
    }
    const type = CREATE_FIELDS[key];
    if (!type || (!create && CREATE_ONLY.includes(key))) throw new InvalidInputError({ input: `unknown field ${key}` });
    if (type === 'settings' ? !isSettingsObject(v) : typeof v !== type)
      throw new InvalidInputError({ [key]: type === 'settings' ? `${key} is an object of text values` : `${key} is a ${type}` });
  }
  for (const key of required) {
    if (input[key] === undefined) throw new InvalidInputError({ [key]: `${key} is required` });
  }
  if (create && !(ENGINE_IDS as readonly string[]).includes(input.engine as string))
    throw new InvalidInputError({ engine: `engine must be one of ${ENGINE_IDS.join(', ')}` });
  if (input.keptDataPassword !== undefined && input.keptDataPassword !== 'existing' && input.keptDataPassword !== 'reset')
    throw new InvalidInputError({ keptDataPassword: 'keptDataPassword is existing or reset' });
  return input;
}

/** `project`: { name, path, branch? } of strings. */
function objectField(key: string, v: unknown): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InvalidInputError({ [key]: `${key} is a JSON object` });
  const o = v as Record<string, unknown>;
  const strings = Object.entries(o).every(([, x]) => typeof x === 'string' && x.length <= 4096);
  if (!strings || Object.keys(o).length > 200) throw new InvalidInputError({ [key]: `${key} holds strings only` });
  if (key === 'project') {
    if (!o.name || !o.path || Object.keys(o).some((k) => !['name', 'path', 'branch'].includes(k)))
      throw new InvalidInputError({ project: 'project is { name, path, branch? }' });
  }
}
