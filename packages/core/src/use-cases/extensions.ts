/**
 * PostgreSQL's extensions on the card: what the server has (`pg_available_extensions`), what each database
 * has installed, and Enable (`CREATE EXTENSION` in the database chosen). An extension whose library must be
 * preloaded (PRELOAD_LIBRARIES) is enabled in two steps the user is told about first: the library is added
 * to the `shared_preload_libraries` setting (an Edit: the server restarts, and goes back to its previous
 * settings if it refuses the new one), then the extension is created.
 */
import { enableExtensionArgs, extensionsListArgs } from '../docker/extensions';
import { PRELOAD_LIBRARIES } from '../engines/postgres';
import { DockbaseError, stderrExcerpt } from '../model/errors';
import type { Instance } from '../model/instance';
import type { DockerRunner } from '../docker/runner';
import type { InstanceLifecycle } from './lifecycle';

export interface ExtensionInfo {
  name: string;
  /** The version CREATE EXTENSION installs. */
  defaultVersion: string;
  comment: string;
  /** The databases that have it, with the version each has. */
  installed: { database: string; version: string }[];
  /** The library the server must preload for it, when it needs one. */
  preload?: string;
  /** Whether that library is in the server's shared_preload_libraries now (true when it needs none). */
  preloaded: boolean;
}

export interface ExtensionsView {
  /** The databases that take connections, in order. */
  databases: string[];
  extensions: ExtensionInfo[];
  /** The server's shared_preload_libraries, as it runs now (its configuration file's, or the instance's setting). */
  preloadLibraries: string[];
}

/** The settings that add `library` to the server's preload list (what it runs with now, plus the library). */
export function settingsWithPreload(
  instance: Pick<Instance, 'settings'>,
  view: Pick<ExtensionsView, 'preloadLibraries'>,
  library: string,
): Record<string, string> {
  const libraries = view.preloadLibraries.includes(library) ? view.preloadLibraries : [...view.preloadLibraries, library];
  return { ...(instance.settings ?? {}), shared_preload_libraries: libraries.join(',') };
}

/** The lines EXTENSIONS_LIST_SCRIPT prints, as a view. */
export function parseExtensions(stdout: string): ExtensionsView {
  const databases: string[] = [];
  const available = new Map<string, ExtensionInfo>();
  let preloadLibraries: string[] = [];
  const installed: { database: string; name: string; version: string }[] = [];
  for (const line of stdout.split('\n')) {
    const [kind, ...f] = line.split('\t');
    if (kind === 'preload') {
      preloadLibraries = (f[0] ?? '')
        .split(',')
        .map((l) => l.trim().replace(/^"(.*)"$/, '$1'))
        .filter(Boolean);
    } else if (kind === 'available' && f[0]) {
      available.set(f[0], { name: f[0], defaultVersion: f[1] ?? '', comment: f[2] ?? '', installed: [], preloaded: true });
    } else if (kind === 'database' && f[0] !== undefined) databases.push(f[0]);
    else if (kind === 'installed' && f[0] !== undefined && f[1]) installed.push({ database: f[0], name: f[1], version: f[2] ?? '' });
  }
  for (const i of installed) available.get(i.name)?.installed.push({ database: i.database, version: i.version });
  const extensions = [...available.values()].map((e) => {
    const preload = PRELOAD_LIBRARIES[e.name];
    return preload ? { ...e, preload, preloaded: preloadLibraries.includes(preload) } : e;
  });
  return { databases, extensions, preloadLibraries };
}

export interface EnableRequest {
  extension: string;
  database: string;
}

export class Extensions {
  constructor(
    private readonly docker: DockerRunner,
    private readonly lifecycle: Pick<InstanceLifecycle, 'owned'>,
  ) {}

  /** What the running server has and each database has installed (one exec). */
  async list(instance: Instance, signal?: AbortSignal): Promise<ExtensionsView> {
    instance = await this.checked(instance);
    const r = await this.docker.tryRun(extensionsListArgs(instance.containerId), signal);
    if (r.code !== 0)
      throw new DockbaseError('command-failed', `Could not read the extensions of ${instance.name}: ${stderrExcerpt(r.stderr) || `psql exited ${r.code}`}`);
    return parseExtensions(r.stdout);
  }

  /**
   * Why enabling is refused before anything runs, or undefined: the extension and the database must be ones
   * the server lists; an extension whose library is not preloaded needs the settings change first (the error
   * says so; `settingsWithPreload` gives the settings).
   */
  refusal(view: ExtensionsView, request: EnableRequest): string | undefined {
    const ext = view.extensions.find((e) => e.name === request.extension);
    if (!ext) return `The server has no extension named “${request.extension}”.`;
    if (!view.databases.includes(request.database)) return `The server has no database named “${request.database}”.`;
    if (ext.installed.some((i) => i.database === request.database)) return `${ext.name} is already enabled in ${request.database}.`;
    if (!ext.preloaded)
      return `${ext.name} needs the library ${ext.preload} in shared_preload_libraries: add it to the settings first (the server restarts), then enable ${ext.name}.`;
    return undefined;
  }

  /** CREATE EXTENSION in the database chosen (both checked against the server's own lists first); the view after it. */
  async enable(instance: Instance, request: EnableRequest, signal?: AbortSignal): Promise<ExtensionsView> {
    const view = await this.list(instance, signal);
    const refused = this.refusal(view, request);
    if (refused) throw new DockbaseError('invalid-input', refused, 'extension');
    const r = await this.docker.tryRun(enableExtensionArgs(instance.containerId, request.extension, request.database), signal);
    if (r.code !== 0) {
      throw new DockbaseError(
        'command-failed',
        `PostgreSQL did not enable ${request.extension} in ${request.database}: ${stderrExcerpt(r.stderr) || `psql exited ${r.code}`}`,
      );
    }
    return this.list(instance, signal);
  }

  private async checked(instance: Instance): Promise<Instance> {
    if (instance.engine !== 'postgres') throw new DockbaseError('invalid-input', 'Only PostgreSQL instances have extensions.');
    const owned = await this.lifecycle.owned(instance);
    if (owned.status !== 'running') throw new DockbaseError('invalid-input', `Start ${instance.name} first: its extensions are read from the running server.`);
    return owned;
  }
}
