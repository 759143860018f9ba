import Accordion from '@mui/material/Accordion';
import AccordionDetails from '@mui/material/AccordionDetails';
import AccordionSummary from '@mui/material/AccordionSummary';
import Alert from '@mui/material/Alert';
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import { useId, useState, type FormEvent } from 'react';
import { describeKeptData, getEngine, volumeName } from '@dockbase/core';
import { useAppServices } from '../context';
import { errorMessage } from '../errors';
import { useCopyText } from '../hooks/useCopyText';
import { useCreateDialog, type CreateDialogState } from '../hooks/useCreateDialog';
import type { CreatePreset } from '../hooks/useCreateForm';
import { EnginePicker } from './EnginePicker';
import { PasswordField } from './PasswordField';
import { PullProgress } from './PullProgress';

interface CreateInstanceDialogProps {
  open: boolean;
  /** Closed by the user, or once the instance was created (it then shows in the list by itself). */
  onClose(): void;
  /** Opened for something in particular (Re-create of kept data): engine, version and name filled in. */
  preset?: CreatePreset;
}

function versionHelp(tags: CreateDialogState['tags']): string {
  if (tags.source === 'hub') return tags.cached ? 'Tags from Docker Hub (an earlier answer: Hub did not answer now), or type any tag.' : 'Tags from Docker Hub, or type any tag.';
  if (tags.offline) return 'Offline: suggested versions (Docker Hub cannot be asked). Pick one or type any tag.';
  return 'Pick one or type any tag.';
}

/** What the name's kept data is, and how its password is handled. */
function KeptDataNotice({ state }: { state: CreateDialogState }) {
  const { form, keptData } = state;
  const engine = getEngine(form.values.engine);
  const modeLabelId = useId();
  if (!keptData || keptData.engine !== engine.id || form.errors.tag || form.errors.name) return null;
  const canReset = engine.passwordInData && engine.applyPassword !== undefined;
  return (
    <Alert severity="info" sx={{ '& .MuiAlert-message': { width: '100%' } }}>
      <Typography variant="body2" fontWeight={600} component="p">
        Kept data found for {keptData.instanceName}: {describeKeptData(keptData)}.
      </Typography>
      <Typography variant="body2" component="p">
        The new instance opens it{keptData.instanceId ? ', with its notes and history' : ''}.
        {keptData.user || keptData.database ? ' Its user and database are the ones it was created with.' : ''}
        {engine.passwordInData
          ? ` ${engine.displayName} keeps its password in its data: a new password does not change it.`
          : ` ${engine.displayName} takes its password from the new instance's settings.`}
      </Typography>
      {engine.passwordInData && (
        <RadioGroup
          aria-labelledby={modeLabelId}
          value={canReset ? form.values.keptPasswordMode : 'existing'}
          onChange={(e) => form.setKeptPasswordMode(e.target.value === 'reset' ? 'reset' : 'existing')}
          sx={{ mt: 1 }}
        >
          <Typography id={modeLabelId} variant="caption" color="text.secondary">
            The password
          </Typography>
          <FormControlLabel value="existing" control={<Radio size="small" />} label="Enter the kept data's password" />
          <FormControlLabel
            value="reset"
            disabled={!canReset}
            control={<Radio size="small" />}
            label={canReset ? `Reset it to a new password (through ${engine.displayName}'s local socket, inside the container)` : `Reset it (${engine.displayName} does not allow it without the old password)`}
          />
        </RadioGroup>
      )}
    </Alert>
  );
}

function CreateFields({ state }: { state: CreateDialogState }) {
  const { form, tags } = state;
  const { values, errors, warnings } = form;
  const engine = getEngine(values.engine);
  const kept = form.keptData !== undefined && form.keptData.engine === engine.id ? form.keptData : undefined;
  const copy = useCopyText();
  const persistHelpId = useId();
  const exposeHelpId = useId();
  // Open from the start when an image was given before (e.g. back from a cancelled create).
  const [advancedOpen, setAdvancedOpen] = useState(() => values.image !== '');
  const dataKeys = engine.dataMounts(values.tag).map((m) => volumeName(values.name || '<name>', m.key));
  return (
    <Stack spacing={2.5} sx={{ pt: 1 }}>
      <EnginePicker value={values.engine} onChange={form.setEngine} />
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' }, gap: 2 }}>
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
              helperText={errors.tag ?? `${tags.downloaded.has(values.tag.trim()) ? 'Downloaded already. ' : ''}${versionHelp(tags)}`}
            />
          )}
        />
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
            helperText={errors.user ?? (kept ? 'The kept data’s own user.' : `Empty: ${engine.defaultUser}. Created on first start (${engine.accountVariables.user}).`)}
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
            helperText={errors.database ?? (kept ? 'The kept data’s own database.' : `Empty: the image's default. Created on first start (${engine.accountVariables.database}).`)}
            disabled={kept !== undefined}
            autoComplete="off"
          />
        )}
      </Box>
      <KeptDataNotice state={state} />
      <Stack spacing={0.5}>
        <FormControlLabel
          control={
            <Switch
              checked={values.persistData}
              onChange={(e) => form.setPersistData(e.target.checked)}
              slotProps={{ input: { 'aria-describedby': persistHelpId } }}
            />
          }
          label="Persist data"
        />
        <FormHelperText id={persistHelpId} sx={{ mt: 0 }}>
          {values.persistData ? `Kept in volume${dataKeys.length > 1 ? 's' : ''} ${dataKeys.join(', ')} when the instance is deleted.` : 'The data goes away with the container.'}
        </FormHelperText>
        <FormControlLabel
          control={
            <Switch
              checked={values.exposeOnNetwork}
              onChange={(e) => form.setExposeOnNetwork(e.target.checked)}
              slotProps={{ input: { 'aria-describedby': exposeHelpId } }}
            />
          }
          label="Expose on my network"
        />
        <FormHelperText id={exposeHelpId} sx={{ mt: 0 }}>
          {values.exposeOnNetwork ? 'Other machines on your network can connect (0.0.0.0).' : 'Only this computer can connect (127.0.0.1).'}
        </FormHelperText>
      </Stack>
      <Accordion disableGutters variant="outlined" expanded={advancedOpen} onChange={(_, open) => setAdvancedOpen(open)}>
        <AccordionSummary expandIcon={<ExpandMoreIcon />}>
          <Typography variant="body2">Advanced</Typography>
        </AccordionSummary>
        <AccordionDetails>
          <Stack spacing={2}>
          <SeedFilesField state={state} />
          <TextField
            label="Image"
            value={values.image}
            onChange={(e) => form.setImage(e.target.value)}
            error={Boolean(errors.image)}
            helperText={errors.image ?? `Empty: the official image (${engine.image}). Otherwise a mirror or private registry, e.g. registry.example.com/mirror/${engine.image}.`}
            placeholder={engine.image}
            autoComplete="off"
            fullWidth
          />
          </Stack>
        </AccordionDetails>
      </Accordion>
    </Stack>
  );
}

/** Init files for the official image's /docker-entrypoint-initdb.d, run once on the first start. */
function SeedFilesField({ state }: { state: CreateDialogState }) {
  const { desktop } = useAppServices();
  const engine = getEngine(state.form.values.engine);
  const kinds = engine.transfer.seedExtensions;
  const error = state.form.errors.seedFiles;
  if (kinds.length === 0) return <Typography variant="body2" color="text.secondary">{engine.displayName} runs no init files on its first start.</Typography>;
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
  const { pull } = state.creation;
  if (pull) return <PullProgress imageRef={state.imageRef} progress={pull} />;
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
          {/* While creating, Cancel aborts: the service removes whatever it made, and the form comes back. */}
          <Button onClick={creation.creating ? creation.cancel : onClose}>Cancel</Button>
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
    <Dialog open={confirmingDiscard} onClose={() => setConfirmingDiscard(false)} maxWidth="xs" aria-labelledby={`${titleId}-discard`}>
      <DialogTitle id={`${titleId}-discard`}>Discard this new instance?</DialogTitle>
      <DialogContent>
        <Typography variant="body2">What you entered in the form is lost.</Typography>
      </DialogContent>
      <DialogActions>
        <Button autoFocus onClick={() => setConfirmingDiscard(false)}>
          Keep editing
        </Button>
        <Button color="error" onClick={onClose}>
          Discard
        </Button>
      </DialogActions>
    </Dialog>
    </>
  );
}

/** "New instance": engine, version, name, port, password and options, then the pull and create. */
export function CreateInstanceDialog({ open, ...props }: CreateInstanceDialogProps) {
  return open ? <CreateInstanceDialogBody {...props} /> : null;
}
