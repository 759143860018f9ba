import fs from 'node:fs';
import path from 'node:path';
import {
  formatBytes,
  getEngine,
  passwordAfterReplaceNote,
  type DataPasswordResult,
  type ExportDump,
  type ExportResult,
  type ImportResult,
} from '@dockbase/core';
import { UsageError } from '../exit-codes';
import { detailOf, recordOutcome } from '../history';
import { runJob } from '../jobs';
import { DATA_PASSWORD_OPTION, readDataPassword, reportDataPassword } from '../data-password';
import { confirmOrYes } from '../confirm';
import { findInstance } from '../instances';
import { Progress, printJson } from '../output';
import { snapshotJson } from '../snapshots';
import { JSON_OPTION, type CommandModule } from './command';
import { withProgress } from './snapshot';

/** `dockbase export`: the whole instance in one file, written by its engine's own tool. */
export const exportCommand: CommandModule = {
  register(program, app) {
    program
      .command('export')
      .description("dump a running instance into one file with its engine's own tool (pg_dumpall, mysqldump, ...)")
      .argument('<name>', 'the instance')
      .option('--to <folder>', 'the folder to write it in (default: the current folder)', '.')
      .option(...JSON_OPTION)
      .addHelpText(
        'after',
        '\nThe file is named after the instance and the time, e.g. app-db-20261126-101500.sql.gz.\nA --to that is not there, is a file, or is a folder it cannot write in is refused before the dump (exit code 2).\nCtrl-C cancels and leaves no file.',
      )
      .action(async (name: string, options: { to: string; json?: boolean }) => {
        // A folder it cannot write in is a mistake on the command line: said before any dump runs.
        const folder = path.resolve(options.to);
        checkExportFolder(folder);
        const dockbase = app.dockbase();
        const instance = await findInstance(dockbase, name);
        const tool = getEngine(instance.engine).transfer.exportTool;
        // The dump is a job (locked and journaled like the others, run by a host's backend when one runs); the
        // save into the folder happens here, on the user's machine, wherever the dump ran.
        const dump = await runJob<ExportDump>(
          app,
          { kind: 'export', instanceId: instance.id },
          (job) => `Exporting ${instance.name} with ${tool}${job.progress.bytes ? `: ${formatBytes(job.progress.bytes)}` : '…'}`,
          { cancelling: 'Cancelling the export…' },
        );
        const progress = new Progress(app.io.stderr);
        let result: ExportResult;
        try {
          result = await app.interruptible(
            (signal) =>
              dockbase.backups.saveExport(instance, dump, folder, {
                signal,
                onProgress: (p) => progress.update(`Saving ${formatBytes(p.bytes)}…`),
              }),
            () => progress.done('Cancelling the export…'),
          );
        } catch (e) {
          // Not saved: nothing is left in the container either.
          await dockbase.backups.discardExport(instance, dump);
          await recordOutcome(app, instance, 'export', { ok: false, detail: detailOf(e) });
          throw e;
        } finally {
          progress.done();
        }
        // The save is not a job (the dump was): recorded here, with the file, as the tab records its save.
        await recordOutcome(app, instance, 'export', { ok: true, detail: `${result.tool} → ${result.file}`, size: result.sizeBytes });
        if (options.json) return printJson(app.io.stdout, { name: instance.name, ...result });
        app.io.stdout.write(`${result.file}\n`);
        app.io.stderr.write(`Exported ${instance.name} with ${result.tool}: ${formatBytes(result.sizeBytes)}.\n`);
      });
  },
};

/** `dockbase import`: a dump file into a running instance, with its engine's tool; the current data kept first. */
export const importCommand: CommandModule = {
  register(program, app) {
    program
      .command('import')
      .description("restore a dump file into a running instance with its engine's own tool; its current data is kept as a snapshot first")
      .argument('<name>', 'the instance')
      .argument('<file>', 'the file (a dump of the same engine, e.g. from `dockbase export`)')
      .option('-y, --yes', 'do not ask (needed without a terminal)')
      .option(...DATA_PASSWORD_OPTION)
      .option(...JSON_OPTION)
      .addHelpText(
        'after',
        `
A FILE that is not there, a folder or a file it cannot read is refused before anything is sent (exit code 2).
The file's content is checked first: another engine's dump, or a damaged file, is refused and nothing
changes (exit code 7). The current data is kept as a "before import" snapshot, put back if the import
fails; \`dockbase restore NAME SNAPSHOT\` brings it back later.

A MongoDB dump carries its users: with --data-password-stdin, give the dump's password, and the instance
takes it once the dump is in, if it opens the data (MySQL and MariaDB imports keep the instance's accounts).`,
      )
      .action(async (name: string, file: string, options: { yes?: boolean; json?: boolean; dataPasswordStdin?: boolean }) => {
        // A file that is not there is a mistake on the command line: said before docker is asked anything.
        const hostFile = path.resolve(file);
        checkImportFile(hostFile);
        const dockbase = app.dockbase();
        const instance = await findInstance(dockbase, name);
        const dataPassword = options.dataPasswordStdin ? await readDataPassword(app, instance, 'import', path.basename(hostFile)) : undefined;
        await confirmOrYes(
          app,
          options.yes,
          `importing ${path.basename(hostFile)} changes the data of ${instance.name}`,
          `Import ${path.basename(hostFile)} into ${instance.name} (its current data is kept as a snapshot)?${dataPassword !== undefined ? ` ${instance.name} then takes the password you gave, if it opens the dump's data; else it keeps its own.` : passwordAfterReplaceNote(instance, 'import') ? ` ${passwordAfterReplaceNote(instance, 'import')}` : ''}`,
        );
        // The file goes into the container first (this process reads it), then the import runs as a job.
        const sent = await withProgress(app, `Sending ${path.basename(hostFile)} to ${instance.name}…`, () =>
          dockbase.backups.sendImportFile(instance, hostFile),
        );
        let result: ImportResult & DataPasswordResult;
        try {
          result = await runJob<ImportResult & DataPasswordResult>(
            app,
            { kind: 'import', instanceId: instance.id, file: sent.temp, fileName: sent.fileName, ...(dataPassword !== undefined ? { dataPassword } : {}) },
            () => `Importing ${sent.fileName} into ${instance.name}…`,
          );
        } catch (e) {
          await dockbase.backups.discardImportFile(instance, sent);
          throw e;
        }
        const checked = reportDataPassword(app, result);
        if (options.json)
          return printJson(app.io.stdout, {
            name: instance.name,
            file: hostFile,
            kind: result.kind,
            sizeBytes: result.sizeBytes,
            kept: snapshotJson(result.kept),
            ...checked,
          });
        app.io.stdout.write(
          `Imported ${path.basename(hostFile)} into ${instance.name}. Its previous data is kept as snapshot "${result.kept.name}" (id ${result.kept.id}).\n`,
        );
      });
  },
};

/** The file an import reads, checked on this machine before anything is sent: missing, a folder or unreadable is exit 2, naming it. */
function checkImportFile(hostFile: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(hostFile);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`No such file: ${hostFile}. Nothing was imported.`);
    throw new UsageError(`Cannot read ${hostFile} (${code ?? (e as Error).message}). Nothing was imported.`);
  }
  if (stat.isDirectory()) throw new UsageError(`${hostFile} is a folder, not a dump file. Nothing was imported.`);
  try {
    fs.accessSync(hostFile, fs.constants.R_OK);
  } catch {
    throw new UsageError(`Cannot read ${hostFile}: permission denied. Nothing was imported.`);
  }
}

/** The folder an export writes in, checked before the dump: missing, a file, or not writable is exit 2, naming it. */
function checkExportFolder(folder: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(folder);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new UsageError(`No such folder: ${folder}. Create it, or choose another with --to. Nothing was exported.`);
    throw new UsageError(`Cannot use ${folder} (${code ?? (e as Error).message}). Nothing was exported.`);
  }
  if (!stat.isDirectory()) throw new UsageError(`${folder} is a file, not a folder: choose a folder with --to. Nothing was exported.`);
  try {
    fs.accessSync(folder, fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    throw new UsageError(`Cannot write in ${folder}: permission denied. Choose another folder with --to. Nothing was exported.`);
  }
}
