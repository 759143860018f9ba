/**
 * Export and import: one portable file per instance, written and read by the engine's own tools inside its
 * container. The file moves between the container and the machine the docker CLI runs on (Docker Desktop: the
 * user's computer; the standalone host and the CLI: their own machine) through the DockerCli's HostFiles: as
 * a tar stream that Dockbase itself writes to a new file (never an existing one, never through a link) or
 * reads from one regular file, so no docker command is ever handed a host path. Export writes to a temporary
 * file in the container with progress and can be cancelled (nothing is left behind); import keeps the
 * current data in a "before import" snapshot first and puts it back when the import fails.
 */
import { copyInArgs, copyOutArgs } from '../docker/copy';
import { execScriptArgs } from '../docker/exec';
import { helperRunArgs, type HelperMount } from '../docker/helpers';
import {
  CANCEL_SCRIPT,
  EXPORT_TEMP_FILE,
  EXPORT_TEMP_PREFIX,
  HELPER_TO,
  IMPORT_TEMP_FILE,
  IMPORT_TEMP_PREFIX,
  SNIFF_SCRIPT,
  exportScript,
  importScript,
  offlineImportScript,
} from '../docker/data-scripts';
import { fileStamp, hostBaseName, identifyDump, importRefusal, isAbsoluteHostPath, parseSniff } from '../model/dump-files';
import { getEngine, type DumpKind } from '../engines';
import { fileError, hostFilesOf } from '../docker/host-files';
import { DockbaseError, cancelled, commandFailed, isDockbaseError, stderrExcerpt } from '../model/errors';
import { imageRef, newInstanceId, type Instance } from '../model/instance';
import type { DockerRunner } from '../docker/runner';
import type { Snapshot, SnapshotVolume } from '../model/snapshot-model';
import { dataVolumesOf, replaceDataUndo, type Snapshots } from './snapshots';
import type { StepJournal } from '../jobs/job';
import type { Credentials, PasswordCheck } from './credentials';
import { importStopsServer, type ImportFileInfo, type ImportProgress } from './import-plan';

export { EXPORT_TEMP_PREFIX, IMPORT_TEMP_PREFIX };

export interface ExportProgress {
  /** `dumping`: the engine's tool is writing (bytes so far); `saving`: the file is being copied to the folder. */
  phase: 'dumping' | 'saving';
  bytes: number;
}

export interface ExportOptions {
  /** An absolute folder on the machine the docker CLI runs on. */
  directory: string;
  onProgress?(p: ExportProgress): void;
  /** Cancels while the dump runs: the tool is stopped and its partial file removed. */
  signal?: AbortSignal;
}

export interface ExportDumpOptions {
  /** The bytes the tool has written so far. */
  onProgress?(bytes: number): void;
  /** Cancels the dump: the tool is stopped and its partial file removed. */
  signal?: AbortSignal;
  journal?: StepJournal;
}

export interface SaveExportOptions {
  onProgress?(p: ExportProgress): void;
  /** Cancels the copy into the folder: no file is written, the dump stays in the container. */
  signal?: AbortSignal;
}

/** A complete dump in the instance's container, waiting to be saved into the user's folder (an export job's result). */
export interface ExportDump {
  /** Its temporary path in the container (EXPORT_TEMP_PREFIX + 12 hex). */
  temp: string;
  /** The container it is in (a container made since, by an edit or an upgrade, does not have it). */
  container: string;
  /** The file's name once saved: `<instance>-<time of the dump>`, then the engine's extension. */
  stem: string;
  extension: string;
  sizeBytes: number;
  tool: string;
}

export interface ExportResult {
  /** The file written (folder + `<instance>-<time><extension>`). */
  file: string;
  sizeBytes: number;
  tool: string;
}

/** An import's file once it is in the container. */
export interface SentImportFile {
  /** Its temporary path in the container (IMPORT_TEMP_PREFIX + 12 hex). */
  temp: string;
  /** The name the user's file had, for messages. */
  fileName: string;
}

export interface ImportResult {
  kind: DumpKind;
  sizeBytes: number;
  /** The data the instance held before, kept until the user deletes it. */
  kept: Snapshot;
  /** Whether the instance's password opens the data after the import (a dump carries its own roles' passwords). */
  password?: PasswordCheck;
}

export interface SendImportOptions {
  /** Cancels the copy into the container: nothing is left there. */
  signal?: AbortSignal;
}

export interface ImportOptions {
  journal?: StepJournal;
  /** Each step as it begins (import-plan.ts), with the file's size once it was read. */
  onProgress?(p: ImportProgress): void;
  /**
   * Cancels the import while its step allows it (importSteps): before the load nothing was changed (the
   * "before import" snapshot goes); during a load by a tool beside the server, the data from before is put back.
   */
  signal?: AbortSignal;
}

export class Backups {
  constructor(
    private readonly docker: DockerRunner,
    private readonly snapshots: Snapshots,
    private readonly credentials: Credentials,
  ) {}

  /** The file name an export of this instance gets now (with `-2`… before the extension when it is taken). */
  static exportFileName(instance: Instance, at = new Date()): string {
    const { stem, extension } = exportName(instance, at);
    return `${stem}${extension}`;
  }

  /**
   * Dumps the whole instance with its engine's tool into one file in `directory`. The instance must be running.
   * The dump (`exportDump`) and its save into the folder (`saveExport`) in one go: nothing is left in the
   * container however it ends.
   */
  async export(instance: Instance, options: ExportOptions): Promise<ExportResult> {
    requireRunning(instance, 'export');
    checkDirectory(options.directory);
    const dump = await this.exportDump(instance, {
      ...(options.onProgress ? { onProgress: (bytes: number) => options.onProgress!({ phase: 'dumping', bytes }) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    try {
      return await this.saveExport(instance, dump, options.directory, {
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (e) {
      await this.discardExport(instance, dump);
      throw e;
    }
  }

  /**
   * The part of an export that runs as a job: the engine's tool writes a complete dump to a temporary file in
   * the container (EXPORT_TEMP_PREFIX + 12 hex), with progress; cancelled or failed, nothing is left. The
   * dump stays in the container until `saveExport` copies it to the user's folder (or `discardExport`).
   */
  async exportDump(instance: Instance, options: ExportDumpOptions = {}): Promise<ExportDump> {
    const engine = getEngine(instance.engine);
    requireRunning(instance, 'export');
    const temp = `${EXPORT_TEMP_PREFIX}${newInstanceId()}`;
    const { stem, extension } = exportName(instance);
    const { signal, journal } = options;
    // Interrupted while the tool writes: its partial file (or its finished one nobody was told of) goes.
    await journal?.begin('dump', [{ do: 'remove-temp', container: instance.containerId, path: temp }]);
    const errors: string[] = [];
    let size = 0;
    const handle = this.docker.stream(execScriptArgs(instance.containerId, exportScript(engine), temp), {
      onLine: (line, stream) => {
        if (stream === 'stderr') {
          errors.push(line);
          return;
        }
        const m = /^dockbase-(progress|size) (\d+)$/.exec(line.trim());
        if (!m) return;
        size = Number(m[2]);
        if (m[1] === 'progress') options.onProgress?.(size);
      },
    });
    const onAbort = () => handle.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    let code: number;
    try {
      code = await handle.done;
    } catch (e) {
      await this.removeTemp(instance, temp);
      throw e;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (signal?.aborted) {
      await this.removeTemp(instance, temp);
      throw cancelled('Export cancelled; no file was written.');
    }
    if (code !== 0) {
      await this.removeTemp(instance, temp);
      throw commandFailed(`export ${instance.name} with ${engine.transfer.exportTool}`, errors.join('\n'));
    }
    await journal?.end('dump');
    return { temp, container: instance.containerId, stem, extension, sizeBytes: size, tool: engine.transfer.exportTool };
  }

  /**
   * The part of an export that reaches the user's files (the page does it in Docker Desktop, the CLI on its
   * machine): the dump is copied into `directory` under a new name (`-2`… when it is taken; never over a
   * file, never through a link), then removed from the container. A cancel or a failure writes no file and
   * keeps the dump, to be saved again or discarded.
   */
  async saveExport(instance: Instance, dump: ExportDump, directory: string, options: SaveExportOptions = {}): Promise<ExportResult> {
    checkDirectory(directory);
    checkDump(instance, dump);
    const { signal } = options;
    options.onProgress?.({ phase: 'saving', bytes: dump.sizeBytes });
    // A dump shorter than one progress tick is reported only here: a cancel now still writes no file.
    if (signal?.aborted) throw cancelled('Export cancelled; no file was written.');
    const files = hostFilesOf(this.docker);
    const to = { directory, stem: dump.stem, extension: dump.extension };
    const saved = await files
      .save(copyOutArgs(instance.containerId, dump.temp), to, signal ? { signal } : {})
      .catch(fileError(`save the export in ${directory}`));
    await this.removeTemp(instance, dump.temp);
    return { file: saved.path, sizeBytes: dump.sizeBytes, tool: dump.tool };
  }

  /** Removes a dump `exportDump` left in the container (not saved, or no longer wanted); best effort. */
  async discardExport(instance: Instance, dump: Pick<ExportDump, 'temp'>): Promise<void> {
    if (EXPORT_TEMP_FILE.test(dump.temp)) await this.removeTemp(instance, dump.temp);
  }

  /**
   * Restores a file into the instance with its engine's tool. The file's content is checked first (another
   * engine's dump, or a damaged file, is refused with the instance untouched); the current data is kept in a
   * "before import" snapshot, put back if the import fails.
   */
  async import(instance: Instance, hostFile: string, options: ImportOptions = {}): Promise<ImportResult> {
    const sent = await this.sendImportFile(instance, hostFile, options.signal ? { signal: options.signal } : {});
    return this.importSent(instance, sent, options);
  }

  /**
   * The part of an import that reads the user's own file (the page does it in Docker Desktop, where only the
   * page can reach the chosen file): the file, checked by name, copied into the instance's container under a
   * temporary name. `importSent` does the rest, in a job. Cancelled or failed, nothing is left in the container.
   */
  async sendImportFile(instance: Instance, hostFile: string, options: SendImportOptions = {}): Promise<SentImportFile> {
    const engine = getEngine(instance.engine);
    requireRunning(instance, 'import into');
    if (!isAbsoluteHostPath(hostFile)) throw new DockbaseError('invalid-input', 'Choose a file (an absolute path).', 'file');
    const fileName = hostBaseName(hostFile);
    const lower = fileName.toLowerCase();
    if (!engine.transfer.importExtensions.some((ext) => lower.endsWith(ext))) {
      throw new DockbaseError(
        'bad-file',
        `${engine.displayName} imports ${engine.transfer.importExtensions.join(', ')} files; ${fileName} is none of them.`,
        'file',
      );
    }
    dataVolumesOf(instance); // nowhere to keep the current data: refuse before touching anything
    const files = hostFilesOf(this.docker);
    const temp = `${IMPORT_TEMP_PREFIX}${newInstanceId()}`;
    const name = temp.slice(IMPORT_TEMP_FOLDER.length + 1);
    try {
      await files
        .send(copyInArgs(instance.containerId, IMPORT_TEMP_FOLDER), { path: hostFile, name }, options.signal ? { signal: options.signal } : {})
        .catch(fileError(`read ${hostFile}`, 'file'));
    } catch (e) {
      // A copy cut short may have left part of the file.
      if (options.signal?.aborted || !isDockbaseError(e, 'bad-file')) await this.removeTemp(instance, temp);
      throw isDockbaseError(e, 'cancelled') ? cancelled(`Import cancelled; ${fileName} was not copied and ${instance.name} was not changed.`) : e;
    }
    return { temp, fileName };
  }

  /**
   * What a file `sendImportFile` put in the container holds, for the user to see before confirming the import:
   * its size and kind. A file the instance cannot import is refused here, and removed from the container.
   */
  async readSentFile(instance: Instance, sent: SentImportFile): Promise<ImportFileInfo> {
    checkSent(sent);
    try {
      const { sizeBytes, kind, gzip } = await this.identifySent(instance, sent);
      return { fileName: sent.fileName, sizeBytes, kind, gzip };
    } catch (e) {
      await this.removeTemp(instance, sent.temp);
      throw e;
    }
  }

  /** Reads the head of a sent file: its size and kind, or the refusal of a file this instance cannot import. */
  private async identifySent(instance: Instance, sent: SentImportFile): Promise<{ sizeBytes: number; kind: DumpKind; gzip: boolean }> {
    const head = parseSniff((await this.docker.run(execScriptArgs(instance.containerId, SNIFF_SCRIPT, sent.temp), `read ${sent.fileName}`)).stdout);
    const identified = identifyDump(head);
    const refusal = importRefusal(instance.engine, identified, sent.fileName, instance.tag);
    if (refusal) throw new DockbaseError('bad-file', `${refusal} ${instance.name} was not changed.`, 'file');
    return { sizeBytes: head.sizeBytes, kind: identified.kind as DumpKind, gzip: identified.gzip };
  }

  /**
   * Imports a file `sendImportFile` put in the container: its content is checked first (another engine's dump,
   * or a damaged file, is refused with the instance untouched); the current data is kept in a "before import"
   * snapshot, put back if the import fails or is cancelled. The temporary file is removed however it ends.
   */
  async importSent(instance: Instance, sent: SentImportFile, options: ImportOptions = {}): Promise<ImportResult> {
    const { temp, fileName } = sent;
    checkSent(sent);
    requireRunning(instance, 'import into');
    const { journal, signal } = options;
    const step = (p: ImportProgress) => options.onProgress?.(p);
    const unchanged = (more = '') => cancelled(`Import cancelled; nothing was changed in ${instance.name}${more}.`);
    await journal?.begin('received', [{ do: 'remove-temp', container: instance.containerId, path: temp }]);
    let kept: Snapshot | undefined;
    let imported: Omit<ImportResult, 'password'>;
    try {
      step({ step: 'check' });
      const { sizeBytes, kind, gzip } = await this.identifySent(instance, sent);
      if (signal?.aborted) throw unchanged();
      step({ step: 'keep', sizeBytes });
      // The server stops while its data is copied: interrupted then, it runs again.
      await journal?.begin('keep', [{ do: 'start', container: instance.containerId, instanceId: instance.id }]);
      kept = await this.snapshots.take(instance, { name: `before import ${fileStamp(new Date())}`, reason: 'before-import' });
      if (signal?.aborted) {
        // Asked for during the copy: the copy holds nothing the instance lacks.
        const removed = await this.snapshots.remove(kept).then(
          () => true,
          () => false,
        );
        throw unchanged(removed ? '' : ` (its copy “${kept.name}” is kept; delete it when you like)`);
      }
      step({ step: 'load', sizeBytes });
      const volumes = dataVolumesOf(instance);
      // Interrupted while the tool writes: the server stops, the data from before goes back in, it runs again.
      await journal?.begin('import', [
        { do: 'stop', container: instance.containerId, engine: instance.engine },
        replaceDataUndo(instance, volumes, kept),
        { do: 'start', container: instance.containerId, instanceId: instance.id },
      ]);
      try {
        await this.restoreFile(instance, temp, kind, gzip, signal);
        // A cancel asked for as a load by a tool beside the server ended is honoured too: its data goes back.
        if (signal?.aborted && !importStopsServer(instance.engine)) throw cancelled();
      } catch (e) {
        throw await this.putBack(instance, volumes, kept, fileName, isDockbaseError(e, 'cancelled') ? undefined : (e as Error).message, journal, temp);
      }
      await journal?.commit('imported', [
        { do: 'start', container: instance.containerId, instanceId: instance.id },
        { do: 'remove-temp', container: instance.containerId, path: temp },
      ]);
      imported = { kind, sizeBytes, kept };
    } finally {
      await this.removeTemp(instance, temp);
    }
    // A dump carries its roles' passwords (a PostgreSQL cluster dump, another instance's): the instance's is
    // set again where the engine allows it, and checked either way.
    if (getEngine(instance.engine).passwordInData) step({ step: 'password', sizeBytes: imported.sizeBytes });
    return { ...imported, password: await this.credentials.reassert(instance) };
  }

  /**
   * After a refused or cancelled import (`why` undefined: cancelled): the data kept before it goes back in (the
   * server stopped meanwhile, which also ends a tool still loading, then started again). Once it is back, the
   * "before import" snapshot holds nothing the instance lacks and is deleted; it stays only when putting the
   * data back failed, and the error then names it. Returns the error to throw.
   */
  private async putBack(
    instance: Instance,
    volumes: readonly SnapshotVolume[],
    kept: Snapshot,
    fileName: string,
    why: string | undefined,
    journal: StepJournal | undefined,
    temp: string,
  ): Promise<DockbaseError> {
    let back = false;
    let restarted: string | undefined;
    try {
      await this.snapshots.whileStopped(instance, async () => {
        await this.snapshots.replaceData(instance, volumes, kept);
        back = true;
      });
    } catch (e) {
      if (back) restarted = (e as Error).message;
    }
    const failed = `Could not import ${fileName}: ${why}`;
    if (!back) {
      const lost = `it is kept in the snapshot "${kept.name}"; restore that snapshot to get it back.`;
      return new DockbaseError(
        'command-failed',
        why === undefined
          ? `Import cancelled, but putting ${instance.name}'s data back failed: ${lost}`
          : `${failed} Putting ${instance.name}'s data back failed too: ${lost}`,
        'file',
      );
    }
    // The data is back: from here an interruption only starts the server again (the job's undo would put
    // the snapshot's data back, and the snapshot is about to go).
    await journal?.commit('put back', [
      { do: 'start', container: instance.containerId, instanceId: instance.id },
      { do: 'remove-temp', container: instance.containerId, path: temp },
    ]);
    await this.snapshots.remove(kept).catch(() => undefined);
    const after = restarted ? ` It did not start again: ${restarted}` : '';
    if (why === undefined) return cancelled(`Import cancelled; what was loaded of ${fileName} is undone: ${instance.name} was put back as it was.${after}`);
    return new DockbaseError('bad-file', `${failed} ${instance.name} was put back as it was.${after}`, 'file');
  }

  /** Removes a file `sendImportFile` put in the container when its import never ran (refused: busy). */
  async discardImportFile(instance: Instance, sent: SentImportFile): Promise<void> {
    if (IMPORT_TEMP_FILE.test(sent.temp)) await this.removeTemp(instance, sent.temp);
  }

  /** `signal`: ends the wait for a tool that loads beside the server (the caller then stops the server, which ends the tool). */
  private async restoreFile(instance: Instance, temp: string, kind: DumpKind, gzip: boolean, signal: AbortSignal | undefined): Promise<void> {
    const engine = getEngine(instance.engine);
    const online = importScript(engine);
    const offline = offlineImportScript(engine);
    if (online) {
      const r = await this.docker.tryRun(execScriptArgs(instance.containerId, online, temp, kind, gzip ? '1' : '0'), offline ? undefined : signal);
      if (r.code !== 0) throw new DockbaseError('command-failed', stderrExcerpt(r.stderr) || `${engine.displayName} refused the file.`);
    }
    if (offline) {
      const mounts: HelperMount[] = dataVolumesOf(instance).map((v) => ({ volume: v.volume, target: `${HELPER_TO}/${v.key}` }));
      await this.snapshots.whileStopped(instance, async () => {
        const r = await this.docker.tryRun(helperRunArgs('import', imageRef(instance.image, instance.tag), mounts, offline));
        if (r.code !== 0) throw new DockbaseError('command-failed', stderrExcerpt(r.stderr) || 'the file could not be put in place.');
      });
    }
  }

  /** Removes a temporary file (and an export still running) from the container; best effort. */
  private async removeTemp(instance: Instance, temp: string): Promise<void> {
    await this.docker.bestEffort(execScriptArgs(instance.containerId, CANCEL_SCRIPT, temp));
  }
}

/** The folder of the import's temporary file in the container (`docker cp -` extracts into a folder). */
const IMPORT_TEMP_FOLDER = IMPORT_TEMP_PREFIX.slice(0, IMPORT_TEMP_PREFIX.lastIndexOf('/'));

/** An export's file name in two parts: the stem a taken name is suffixed after (`-2`), and the extension. */
function exportName(instance: Instance, at = new Date()): { stem: string; extension: string } {
  return { stem: `${instance.name}-${fileStamp(at)}`, extension: getEngine(instance.engine).transfer.exportExtension };
}

function checkDirectory(directory: string): void {
  if (!isAbsoluteHostPath(directory)) throw new DockbaseError('invalid-input', 'Choose a folder (an absolute path).', 'directory');
}

/** A dump to save, as a job's result handed back (JSON from the backend): it must name a file an export made, and a plain file name. */
function checkDump(instance: Instance, dump: ExportDump): void {
  const extension = getEngine(instance.engine).transfer.exportExtension;
  if (!EXPORT_TEMP_FILE.test(dump.temp) || !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(dump.stem) || dump.extension !== extension) {
    throw new DockbaseError('invalid-input', 'That is not an export Dockbase made.');
  }
  if (dump.container !== instance.containerId) {
    throw new DockbaseError('not-found', `${instance.name}'s container was replaced since that export was made: export it again.`);
  }
}

/** A file handed back by a door (JSON from the page): it must name a file an import put in the container. */
function checkSent(sent: SentImportFile): void {
  if (!IMPORT_TEMP_FILE.test(sent.temp)) throw new DockbaseError('invalid-input', 'That is not a file Dockbase put in the container for an import.', 'file');
}

function requireRunning(instance: Instance, verb: string): void {
  if (instance.status !== 'running') {
    throw new DockbaseError('invalid-input', `Start ${instance.name} to ${verb} it: its engine's own tools do the work.`);
  }
}
