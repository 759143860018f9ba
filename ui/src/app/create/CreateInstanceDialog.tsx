import Alert from '@mui/material/Alert';
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useId, useState, type FormEvent } from 'react';
import { flavoursOf, getEngine, getFlavour, type KeptData } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { errorMessage } from '../shared/errors';
import { useCopyText } from '../shared/useCopyText';
import { useCreateDialog, type CreateDialogState } from './useCreateDialog';
import type { CreatePreset } from './useCreateForm';
import { EnginePicker } from './EnginePicker';
import { PasswordField } from '../shared/PasswordField';
import { PullProgress } from './PullProgress';
import { AdvancedOptions, StorageAndNetworkOptions } from './CreateOptions';
import { KeptDataNotice } from './KeptDataNotice';

interface CreateInstanceDialogProps {
  open: boolean;
  /** Closed by the user, or once the instance was created (it then shows in the list by itself). */
  onClose(): void;
  /** Opened for something in particular (Re-create of kept data): engine, version and name filled in. */
  preset?: CreatePreset;
}

function versionHelp(tags: CreateDialogState['tags']): string {
  if (tags.source === 'hub')
    return tags.cached ? 'Tags from Docker Hub (an earlier answer: Hub did not answer now), or type any tag.' : 'Tags from Docker Hub, or type any tag.';
  if (tags.offline) return 'Offline: suggested versions (Docker Hub cannot be asked). Pick one or type any tag.';
  return 'Pick one or type any tag.';
}

/** The form: engine, version, name, port, password and account, what kept data the name finds, the options. */
function CreateFields({ state }: { state: CreateDialogState }) {
  const { form } = state;
  const { values, errors, warnings } = form;
  const engine = getEngine(values.engine);
  const kept = form.keptData !== undefined && form.keptData.engine === engine.id ? form.keptData : undefined;
  return (
    <Stack spacing={2.5} sx={{ pt: 1 }}>
      <EnginePicker value={values.engine} onChange={form.setEngine} />
      <FlavourField state={state} />
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' }, gap: 2 }}>
        <VersionField state={state} />
        <TextField
          label="Name"
          value={values.name}
          onChange={(e) => form.setName(e.target.value)}
          error={Boolean(errors.name)}
          helperText={errors.name ?? 'The container’s name.'}
          required
          autoComplete="off"
        />
        <TextField
          label="Port"
          value={values.hostPort}
          onChange={(e) => form.setHostPort(e.target.value)}
          error={Boolean(errors.hostPort)}
          helperText={errors.hostPort ?? warnings.hostPort ?? `On your computer; ${engine.displayName} listens on ${engine.containerPort} inside.`}
          required
          autoComplete="off"
          slotProps={{ htmlInput: { inputMode: 'numeric' }, formHelperText: warnings.hostPort && !errors.hostPort ? { sx: { color: 'warning.main' } } : {} }}
        />
        <AccountFields state={state} kept={kept} />
      </Box>
      <KeptDataNotice state={state} />
      <StorageAndNetworkOptions state={state} />
      <AdvancedOptions state={state}>
        <SeedFilesField state={state} />
      </AdvancedOptions>
    </Stack>
  );
}

/** The engine's flavours (PostgreSQL with pgvector, PostGIS, TimescaleDB), for engines that have any. */
function FlavourField({ state }: { state: CreateDialogState }) {
  const { form } = state;
  const { values, errors } = form;
  const engine = getEngine(values.engine);
  const flavours = flavoursOf(engine.id);
  if (flavours.length === 0) return null;
  const chosen = values.flavour ? getFlavour(values.flavour) : undefined;
  return (
    <TextField
      select
      label="Flavour"
      value={values.flavour}
      onChange={(e) => form.setFlavour(e.target.value)}
      error={Boolean(errors.flavour)}
      helperText={
        errors.flavour ?? (chosen ? `${chosen.summary}. Image ${chosen.image}; the versions below are its tags.` : `The official ${engine.image} image.`)
      }
      slotProps={{ select: { native: true }, inputLabel: { shrink: true } }}
    >
      <option value="">Plain {engine.displayName}</option>
      {flavours.map((f) => (
        <option key={f.id} value={f.id}>
          {f.displayName}
        </option>
      ))}
    </TextField>
  );
}

/** The image's tag: Docker Hub's (or the suggested ones offline), those downloaded already marked, or any typed. */
function VersionField({ state }: { state: CreateDialogState }) {
  const { form, tags, imageCheck } = state;
  const { values, errors } = form;
  // Before any pull: a version this machine's platform has no image of is said here, with the nearest that do.
  const refused = imageCheck && (imageCheck.verdict === 'missing' || imageCheck.verdict === 'not-for-platform') ? imageCheck.message : undefined;
  const unchecked = imageCheck?.verdict === 'unchecked' ? 'Not checked: its registry could not be asked. ' : '';
  return (
    <Autocomplete
      key={values.engine}
      freeSolo
      options={[...tags.options]}
      value={values.tag}
      inputValue={values.tag}
      onChange={(_, v) => form.setTag(typeof v === 'string' ? v : '')}
      onInputChange={(_, v) => form.setTag(v)}
      renderOption={(props, option) => {
        const { key, ...rest } = props as typeof props & { key: string };
        return (
          <Box component="li" key={key} {...rest} sx={{ display: 'flex', justifyContent: 'space-between', gap: 2 }}>
            <span>{option}</span>
            {tags.downloaded.has(option) && (
              <Typography variant="caption" color="text.secondary">
                downloaded
              </Typography>
            )}
          </Box>
        );
      }}
      renderInput={(params) => (
        <TextField
          {...params}
          label="Version"
          required
          error={Boolean(errors.tag)}
          helperText={errors.tag ?? refused ?? `${tags.downloaded.has(values.tag.trim()) ? 'Downloaded already. ' : unchecked}${versionHelp(tags)}`}
          slotProps={{ formHelperText: refused && !errors.tag ? { sx: { color: 'warning.main' }, role: 'status' } : {} }}
        />
      )}
    />
  );
}

/** The password (or the kept data's), then the user and database where the engine creates them. */
function AccountFields({ state, kept }: { state: CreateDialogState; kept: KeptData | undefined }) {
  const { form } = state;
  const { values, errors } = form;
  const engine = getEngine(values.engine);
  const copy = useCopyText();
  return (
    <>
      {form.asksKeptPassword ? (
        <PasswordField
          label="Password of the kept data"
          value={values.keptPassword}
          error={errors.password}
          helperText="The password it had: Dockbase checks it with the engine once it runs."
          onChange={form.setKeptPassword}
          onCopy={() => copy(values.keptPassword, 'Password')}
        />
      ) : (
        <PasswordField
          value={values.password}
          error={errors.password}
          {...(kept && engine.passwordInData ? { helperText: `Set inside ${engine.displayName} once it runs, then checked.` } : {})}
          onChange={form.setPassword}
          onRegenerate={form.regeneratePassword}
          onCopy={() => copy(values.password, 'Password')}
        />
      )}
      {engine.accountVariables.user && (
        <TextField
          label="User"
          value={kept ? (kept.user ?? '') : values.user}
          onChange={(e) => form.setUser(e.target.value)}
          error={Boolean(errors.user)}
          helperText={
            errors.user ?? (kept ? 'The kept data’s own user.' : `Empty: ${engine.defaultUser}. Created on first start (${engine.accountVariables.user}).`)
          }
          placeholder={engine.defaultUser}
          disabled={kept !== undefined}
          autoComplete="off"
        />
      )}
      {engine.accountVariables.database && (
        <TextField
          label="Database"
          value={kept ? (kept.database ?? '') : values.database}
          onChange={(e) => form.setDatabase(e.target.value)}
          error={Boolean(errors.database)}
          helperText={
            errors.database ??
            (kept ? 'The kept data’s own database.' : `Empty: the image's default. Created on first start (${engine.accountVariables.database}).`)
          }
          disabled={kept !== undefined}
          autoComplete="off"
        />
      )}
    </>
  );
}

/** Init files for the official image's /docker-entrypoint-initdb.d, run once on the first start. */
function SeedFilesField({ state }: { state: CreateDialogState }) {
  const { desktop } = useAppServices();
  const engine = getEngine(state.form.values.engine);
  const kinds = engine.transfer.seedExtensions;
  const error = state.form.errors.seedFiles;
  if (kinds.length === 0)
    return (
      <Typography variant="body2" color="text.secondary">
        {engine.displayName} runs no init files on its first start.
      </Typography>
    );
  return (
    <Stack direction="row" spacing={1} alignItems="flex-start">
      <TextField
        label="Init files"
        value={state.seedFiles}
        onChange={(e) => state.setSeedFiles(e.target.value)}
        error={Boolean(error)}
        helperText={error ?? `${kinds.join(', ')} files run in this order on the first start (absolute paths, one a line).`}
        multiline
        minRows={1}
        autoComplete="off"
        fullWidth
      />
      {desktop.canChooseFiles && (
        <Button
          sx={{ mt: 1, flexShrink: 0 }}
          onClick={() =>
            void desktop.chooseFiles({ multiple: true, extensions: kinds }).then(
              (files) => files.length && state.setSeedFiles([state.seedFiles.trim(), ...files].filter(Boolean).join('\n')),
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

function CreatingView({ state }: { state: CreateDialogState }) {
  const { pull, cancellable } = state.creation;
  // Once it can no longer be cancelled, the pull is over and the container is being made.
  if (pull && cancellable) return <PullProgress imageRef={state.imageRef} progress={pull} />;
  return (
    <Stack spacing={1} sx={{ py: 2 }}>
      <Typography variant="body1">Creating {state.form.values.name}…</Typography>
      <LinearProgress aria-label={`Creating ${state.form.values.name}`} />
    </Stack>
  );
}

function CreateInstanceDialogBody({ onClose, preset }: Omit<CreateInstanceDialogProps, 'open'>) {
  const state = useCreateDialog(onClose, preset);
  const { creation } = state;
  const titleId = useId();
  const [confirmingDiscard, setConfirmingDiscard] = useState(false);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void state.submit();
  };
  return (
    <>
      <Dialog
        open
        onClose={() => {
          // While creating, Cancel is the way out (it removes what was made). Escape or a click beside the
          // dialog never throws away what the user typed without asking.
          if (creation.creating) return;
          if (state.form.dirty) setConfirmingDiscard(true);
          else onClose();
        }}
        maxWidth="md"
        fullWidth
        aria-labelledby={titleId}
      >
        <Box component="form" noValidate onSubmit={onSubmit}>
          <DialogTitle id={titleId}>New instance</DialogTitle>
          <DialogContent>
            {creation.creating ? (
              <CreatingView state={state} />
            ) : (
              <Stack spacing={2}>
                {creation.failure && <Alert severity="error">{creation.failure}</Alert>}
                <CreateFields state={state} />
              </Stack>
            )}
          </DialogContent>
          <DialogActions>
            {/* While creating, Cancel cancels the job (it removes whatever it made) and the form comes back; not once its container is being made. */}
            <Button onClick={creation.creating ? creation.cancel : onClose} disabled={creation.creating && !creation.cancellable}>
              Cancel
            </Button>
            <Button
              type="submit"
              variant="contained"
              disabled={!state.canSubmit}
              startIcon={creation.creating ? <CircularProgress size={16} color="inherit" aria-hidden /> : undefined}
            >
              Create
            </Button>
          </DialogActions>
        </Box>
      </Dialog>
      <DiscardConfirm open={confirmingDiscard} titleId={`${titleId}-discard`} onKeep={() => setConfirmingDiscard(false)} onDiscard={onClose} />
    </>
  );
}

/** Asked before Escape or a click beside the form throws away what the user typed. */
function DiscardConfirm({ open, titleId, onKeep, onDiscard }: { open: boolean; titleId: string; onKeep(): void; onDiscard(): void }) {
  return (
    <Dialog open={open} onClose={onKeep} maxWidth="xs" aria-labelledby={titleId}>
      <DialogTitle id={titleId}>Discard this new instance?</DialogTitle>
      <DialogContent>
        <Typography variant="body2">What you entered in the form is lost.</Typography>
      </DialogContent>
      <DialogActions>
        <Button autoFocus onClick={onKeep}>
          Keep editing
        </Button>
        <Button color="error" onClick={onDiscard}>
          Discard
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/** "New instance": engine, version, name, port, password and options, then the pull and create. */
export function CreateInstanceDialog({ open, ...props }: CreateInstanceDialogProps) {
  return open ? <CreateInstanceDialogBody {...props} /> : null;
}
