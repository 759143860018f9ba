/** Finding an instance by the name a user types, and how an instance looks in a table and in --json. */
import { DockbaseError, displayStatus, flavouredName, getEngine, maskedConnectionString, type Dockbase, type Instance, type ServerView } from '@dockbase/core';

/**
 * The instance named `name` (or whose Dockbase id is `name`), read from the labels like every front door
 * does. A container of that name without Dockbase's labels is named as such: Dockbase never touches it.
 */
export async function findInstance(dockbase: Dockbase, name: string): Promise<Instance> {
  const all = await dockbase.lifecycle.list();
  const found = all.find((i) => i.name === name) ?? all.find((i) => i.id === name);
  if (found) return found;
  const usage = await dockbase.creation.usage();
  if (usage.names.has(name)) {
    throw new DockbaseError('not-found', `"${name}" is a container that Dockbase did not create: Dockbase leaves it alone.`, 'name');
  }
  throw new DockbaseError('not-found', `No Dockbase instance is named "${name}". \`dockbase list\` shows them.`, 'name');
}

/** The --json form of an instance: a stable contract for scripts (the password is never in it). */
export interface InstanceJson {
  id: string;
  name: string;
  engine: string;
  /** Its flavour ("pgvector", "postgis", "timescaledb"), when it has one. */
  flavour?: string;
  image: string;
  version: string;
  /**
   * What the tab's status chip shows: running, starting, healthy, unhealthy, paused, stopped, error; or
   * password-refused, when the server answers but refuses the password its connection string holds.
   */
  status: string;
  /** Docker's container state: created, running, exited, ... */
  state: string;
  health: string;
  port: number;
  /** 127.0.0.1, or 0.0.0.0 when exposed on the network. */
  bindAddress: string;
  /** The connection string with the password masked. */
  url: string;
  /** Data volumes; empty when the data goes with the container. */
  volumes: string[];
  containerId: string;
  createdAt: string;
  /** Why its last run ended badly (killed, out of memory, crashed, an init file that failed), when it did. */
  failure?: string;
  /** The project (dockbase.yaml) it serves: its name, folder, and the git branch it holds data for. */
  project?: { name: string; path: string; branch?: string };
  /** The server settings it starts with, name → value ({} when none). */
  settings: Record<string, string>;
}

/**
 * `view`: what this command saw of the server itself (create, start, restart waited for it; `list` asks each
 * running one), so the status is what the tab shows then, whatever docker's own last health check said.
 */
/** What a command saw of a server: its answer, and whether its password was refused (`list` checks it). */
export type CliView = ServerView & { passwordRefused?: boolean };

function statusOf(i: Instance, view: CliView): string {
  return view.passwordRefused ? 'password-refused' : displayStatus(i, view);
}

export function instanceJson(i: Instance, view: CliView = {}): InstanceJson {
  return {
    id: i.id,
    name: i.name,
    engine: i.engine,
    ...(i.flavour ? { flavour: i.flavour } : {}),
    image: i.image,
    version: i.tag,
    status: statusOf(i, view),
    state: i.status,
    health: i.health,
    port: i.hostPort,
    bindAddress: i.bindAddress,
    url: maskedConnectionString(i),
    volumes: [...i.volumes],
    containerId: i.containerId,
    createdAt: i.createdAt,
    ...(i.failure ? { failure: i.failure.summary } : {}),
    ...(i.project ? { project: { ...i.project } } : {}),
    settings: { ...(i.settings ?? {}) },
  };
}

export const TABLE_HEADER = ['NAME', 'ENGINE', 'VERSION', 'STATUS', 'ADDRESS', 'PROJECT', 'DATA'] as const;

/**
 * The PROJECT cell: the project (dockbase.yaml) an instance belongs to, from its labels, `name@branch` for a
 * branch's own copy (one word: a branch name has no spaces, so the columns stay apart), `-` for none.
 */
export function projectCell(i: Pick<Instance, 'project'>): string {
  if (!i.project) return '-';
  return i.project.branch ? `${i.project.name}@${i.project.branch}` : i.project.name;
}

export function instanceRow(i: Instance, view: CliView = {}): string[] {
  return [
    i.name,
    flavouredName(getEngine(i.engine).displayName, i.flavour),
    i.tag,
    statusOf(i, view),
    `${i.bindAddress}:${i.hostPort}`,
    projectCell(i),
    i.volumes.length > 0 ? i.volumes.join(', ') : '(not kept)',
  ];
}

export function byName(a: Instance, b: Instance): number {
  return a.name.localeCompare(b.name);
}

/**
 * Asks each running server whether it answers, in parallel (one docker exec each, at most 10 s for a server
 * that hangs): docker itself probes only every 20 minutes, so its verdict may be old news.
 */
export async function serverViews(dockbase: Dockbase, instances: readonly Instance[]): Promise<Map<string, CliView>> {
  const views = new Map<string, CliView>();
  await Promise.all(
    instances
      .filter((i) => i.status === 'running')
      .map(async (i) => {
        const { answered } = await dockbase.liveness.probe(i);
        // A server that answers is asked whether the password its connection string holds opens its data
        // (a restore, an import or kept data may hold another): checked each time, never assumed.
        const refused = answered && getEngine(i.engine).passwordInData && (await dockbase.credentials.verify(i).catch(() => undefined))?.status === 'rejected';
        // An answer is this run answering; silence while docker still says "starting" may be a server starting.
        views.set(i.id, { serverAnswered: answered, probedAnswer: answered, ...(refused ? { passwordRefused: true } : {}) });
      }),
  );
  return views;
}
