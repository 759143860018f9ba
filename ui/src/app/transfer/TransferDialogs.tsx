import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useId, useState, type FormEvent } from 'react';
import { Backups, describeDumpKind, formatBytes, getEngine, importServerNote, importSteps, passwordAfterReplaceNote, type Instance } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { errorMessage } from '../shared/errors';
import type { ReadyExport } from './ready-exports';
import { Steps } from '../shared/Steps';
import { SEND_STEP, useExport, useImport } from './useDataTransfer';
import { DataPasswordChoice, useDataPasswordChoice } from '../snapshots/DataPasswordChoice';

/** A path field with the host's own file dialog beside it where there is one. */
function PathField(props: { label: string; value: string; onChange(v: string): void; helperText: string; choose?: () => Promise<string | undefined> }) {
  const { desktop } = useAppServices();
  return (
    <Stack direction="row" spacing={1} alignItems="flex-start">
      <TextField
        label={props.label}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        helperText={props.helperText}
        autoComplete="off"
        fullWidth
        autoFocus
      />
      {desktop.canChooseFiles && props.choose && (
        <Button
          sx={{ mt: 1, flexShrink: 0 }}
          onClick={() =>
            void props.choose!().then(
              (p) => p && props.onChange(p),
              (e: unknown) => desktop.toast.error(errorMessage(e)),
            )
          }
        >
          Choose…
        </Button>
      )}
    </Stack>
  );
}

const LAST_FOLDER_KEY = 'dockbase.export.folder';

function ExportBody({ instance, ready, onClose }: { instance: Instance; ready: ReadyExport | undefined; onClose(): void }) {
  const { desktop } = useAppServices();
  const state = useExport(instance, ready);
  const titleId = useId();
  const engine = getEngine(instance.engine);
  const [folder, setFolder] = useState(() => globalThis.localStorage?.getItem(LAST_FOLDER_KEY) ?? '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    globalThis.localStorage?.setItem(LAST_FOLDER_KEY, folder);
    void state.run(folder.trim());
  };
  const saving = state.running && state.progress?.phase === 'saving';
  return (
    <Dialog open onClose={() => (saving ? undefined : onClose())} aria-labelledby={titleId} maxWidth="sm" fullWidth>
      <Stack component="form" noValidate onSubmit={submit}>
        <DialogTitle id={titleId}>Export {instance.name}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <DialogContentText>
              One file with all of {instance.name}’s data, written by {engine.transfer.exportTool} inside the container while it keeps running, named like{' '}
              <code>{Backups.exportFileName(instance)}</code>.
            </DialogContentText>
            {state.dump && !state.running && (
              <DialogContentText>
                Its dump ({formatBytes(state.dump.sizeBytes)}) is ready: choose the folder to save <code>{`${state.dump.stem}${state.dump.extension}`}</code>{' '}
                in.
              </DialogContentText>
            )}
            <PathField
              label="Folder"
              value={folder}
              onChange={setFolder}
              helperText={desktop.canChooseFiles ? 'A folder on this computer.' : 'The absolute path of a folder on the machine Dockbase runs on.'}
              choose={() => desktop.chooseFolder()}
            />
            {state.running && (
              <Stack spacing={1} role="status">
                <Typography variant="body2">{saving ? 'Saving the file…' : `Dumping… ${formatBytes(state.progress?.bytes ?? 0)}`}</Typography>
                <LinearProgress aria-label={`Exporting ${instance.name}`} />
                {!saving && <DialogContentText>The dump goes on if you close this dialog: {instance.name}’s card then offers to save it.</DialogContentText>}
              </Stack>
            )}
            {state.result && (
              <Alert severity="success">
                Saved {state.result.file} ({formatBytes(state.result.sizeBytes)}).
              </Alert>
            )}
            {state.failure && <Alert severity="error">{state.failure}</Alert>}
          </Stack>
        </DialogContent>
        <DialogActions>
          {/* Cancel during the dump stops it and leaves no file; the short copy into the folder is not interrupted.
              Closed during the dump, the dump goes on: the card then offers to save it. */}
          {state.running && (
            <Button onClick={state.cancel} disabled={saving}>
              Cancel
            </Button>
          )}
          <Button onClick={onClose} disabled={saving}>
            Close
          </Button>
          <Button type="submit" variant="contained" disabled={state.running || !folder.trim() || (!state.dump && instance.status !== 'running')}>
            {state.dump ? 'Save' : 'Export'}
          </Button>
        </DialogActions>
      </Stack>
    </Dialog>
  );
}

function ImportBody({ instance, onClose }: { instance: Instance; onClose(): void }) {
  const { desktop } = useAppServices();
  const state = useImport(instance);
  // Only while the page copies the file into the container must the dialog stay (Cancel stops the copy): the
  // import itself is a job that goes on without it (the instance's card shows it, with its Cancel).
  const holding = state.sending;
  const titleId = useId();
  const engine = getEngine(instance.engine);
  const [path, setPath] = useState('');
  const extensions = engine.transfer.importExtensions;
  const { phase, file } = state;
  const ready = phase === 'ready';
  const password = useDataPasswordChoice(instance, 'import');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ready && password.error) return;
    if (ready) void state.confirm(password.dataPassword);
    else void state.send(path.trim());
  };
  const choose = (p: string) => {
    setPath(p);
    // Another file: the one read for this one goes.
    if (ready) void state.discard();
  };
  const size = file?.sizeBytes !== undefined ? formatBytes(file.sizeBytes) : undefined;
  const steps = [{ id: SEND_STEP, label: `Copy ${file?.fileName ?? 'the file'} into ${instance.name}’s container` }, ...importSteps(instance)];
  return (
    <Dialog open onClose={() => (holding ? undefined : onClose())} aria-labelledby={titleId} maxWidth="sm" fullWidth>
      <Stack component="form" noValidate onSubmit={submit}>
        <DialogTitle id={titleId}>Import into {instance.name}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <DialogContentText>
              Restores a {extensions.join(', ')} file into {instance.name} with {engine.displayName}’s own tools. Dockbase first keeps {instance.name}’s current
              data in a “before import” snapshot (until you delete it); a file of another engine is refused, and if the import fails, {instance.name} is put
              back as it was.
            </DialogContentText>
            <DialogContentText>{importServerNote(instance)}</DialogContentText>
            {passwordAfterReplaceNote(instance, 'import') && <DialogContentText>{passwordAfterReplaceNote(instance, 'import')}</DialogContentText>}
            <PathField
              label="File"
              value={path}
              onChange={choose}
              helperText={
                desktop.canChooseFiles
                  ? `A ${extensions.join(', ')} file on this computer. Check file copies it into ${instance.name}’s container and reads it; nothing changes before you confirm.`
                  : `An absolute path of a ${extensions.join(', ')} file on the machine Dockbase runs on. Check file copies it into ${instance.name}’s container and reads it; nothing changes before you confirm.`
              }
              choose={async () => (await desktop.chooseFiles({ multiple: false, extensions }))[0]}
            />
            {ready && file && (
              <Alert severity="info" icon={false} role="status" aria-label="The file to import">
                <strong>
                  {file.fileName}: {size}
                </strong>
                {file.kind ? `, ${describeDumpKind(file.kind)}${file.gzip ? ' (compressed)' : ''}` : ''}. Import replaces {instance.name}’s data with it.
              </Alert>
            )}
            {ready && <DataPasswordChoice instance={instance} what="import" state={password} />}
            {phase !== 'choose' && (
              <Stack role="status" aria-label={`Import into ${instance.name}`}>
                <Steps steps={steps} progress={state.progress} label="Steps of the import" details={{ [SEND_STEP]: size }} />
              </Stack>
            )}
            {phase === 'importing' && <DialogContentText>The import goes on if you close this dialog: {instance.name}’s card shows it.</DialogContentText>}
            {state.result && (
              <Alert severity="success">
                Imported {formatBytes(state.result.sizeBytes)}. The previous data is kept as “{state.result.kept.name}”.
              </Alert>
            )}
            {state.failure && <Alert severity={state.cancelled ? 'info' : 'error'}>{state.failure}</Alert>}
          </Stack>
        </DialogContent>
        <DialogActions>
          {/* Cancel stops the copy into the container, or the import while it can still put everything back. */}
          {(phase === 'sending' || phase === 'importing') && (
            <Button
              onClick={state.cancel}
              disabled={!state.cancellable}
              title={state.cancellable ? undefined : 'It is finishing: it can no longer be cancelled.'}
            >
              Cancel
            </Button>
          )}
          <Button onClick={onClose} disabled={holding}>
            Close
          </Button>
          <Button
            type="submit"
            variant="contained"
            disabled={state.running || (!ready && !path.trim()) || (ready && Boolean(password.error)) || instance.status !== 'running'}
          >
            {ready ? 'Import' : 'Check file'}
          </Button>
        </DialogActions>
      </Stack>
    </Dialog>
  );
}

/** `ready`: a dump that waits to be saved (its card's Save…): the dialog saves it instead of dumping again. */
export function ExportDialog({ instance, ready, onClose }: { instance: Instance | undefined; ready?: ReadyExport; onClose(): void }) {
  return instance ? <ExportBody key={instance.id} instance={instance} ready={ready} onClose={onClose} /> : null;
}

export function ImportDialog({ instance, onClose }: { instance: Instance | undefined; onClose(): void }) {
  return instance ? <ImportBody key={instance.id} instance={instance} onClose={onClose} /> : null;
}
