/**
 * What an import does to an instance, said before it starts and while it runs: its steps (the job reports
 * them, its dialog and the instance's card name them), which of them Cancel can still undo, and whether the
 * server keeps running while the file loads. Decided from the engine alone (no docker call).
 */
import { getEngine, type DumpKind } from '../engines';
import type { Instance } from '../model/instance';

/**
 * An import job's steps, in order: `check` reads what the file holds; `keep` copies the current data into a
 * "before import" snapshot (the server stops for the copy); `load` runs the engine's own tools on the file (or,
 * for an engine that cannot load a file while it runs, puts it in place while the server is stopped);
 * `password` checks the instance's password against what the file brought.
 */
export type ImportStepId = 'check' | 'keep' | 'load' | 'password';

export interface ImportStep {
  id: ImportStepId;
  /** What it does, for people. */
  label: string;
  /** Whether Cancel during this step still leaves the instance as it was (see `importSteps`). */
  cancellable: boolean;
}

/** Where an import is: its step, and the file's size once it was read. */
export interface ImportProgress {
  step: ImportStepId;
  sizeBytes?: number;
}

/** What a file sent for an import holds, read before the import is confirmed. */
export interface ImportFileInfo {
  fileName: string;
  sizeBytes: number;
  kind: DumpKind;
  gzip: boolean;
}

/** Whether the engine loads a file only while its server is stopped (Redis reads its data files at start). */
export function importStopsServer(engine: Instance['engine']): boolean {
  return getEngine(engine).transfer.offlineImportScript !== undefined;
}

/**
 * The steps of an import into this instance. Cancel undoes the check and the snapshot (nothing was changed;
 * the snapshot goes), and a load by a tool that runs beside the server (the server is stopped, which ends the
 * tool, and the data from before is put back). A file put in place while the server is stopped is not
 * interrupted, nor is the password check, which comes once the data is imported.
 */
export function importSteps(instance: Pick<Instance, 'name' | 'engine'>): ImportStep[] {
  const engine = getEngine(instance.engine);
  const offline = importStopsServer(instance.engine);
  const steps: ImportStep[] = [
    { id: 'check', label: 'Check what the file holds', cancellable: true },
    {
      id: 'keep',
      label: `Keep ${instance.name}’s current data in a “before import” snapshot (${instance.name} is stopped for the copy, then started again)`,
      cancellable: true,
    },
    offline
      ? { id: 'load', label: `Put the file in place (${instance.name} is stopped meanwhile, then started again)`, cancellable: false }
      : { id: 'load', label: `Load the file with ${engine.displayName}’s own tools (${instance.name} keeps running)`, cancellable: true },
  ];
  if (engine.passwordInData) steps.push({ id: 'password', label: `Check ${instance.name}’s password`, cancellable: false });
  return steps;
}

/** Whether Cancel may be asked for during this step. */
export function importStepCancellable(instance: Pick<Instance, 'name' | 'engine'>, step: ImportStepId): boolean {
  return importSteps(instance).find((s) => s.id === step)?.cancellable ?? false;
}

/** Whether the server keeps running while the file loads, said before the import starts. */
export function importServerNote(instance: Pick<Instance, 'name' | 'engine'>): string {
  const engine = getEngine(instance.engine);
  if (importStopsServer(instance.engine)) {
    return `${instance.name} is stopped while the file loads and started again after: ${engine.displayName} reads its data files only when it starts. It is also stopped briefly, before that, while its current data is copied into the “before import” snapshot.`;
  }
  return `${instance.name} keeps running while the file loads. It is stopped only briefly, before that, while its current data is copied into the “before import” snapshot, and started again.`;
}
