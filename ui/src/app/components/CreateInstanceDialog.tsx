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
import { useId, useState, type FormEvent } from 'react';
import { getEngine, volumeName } from '@dockbase/core';
import { useAppServices } from '../context';
import { errorMessage } from '../errors';
import { useCopyText } from '../hooks/useCopyText';
import { useCreateDialog, type CreateDialogState } from '../hooks/useCreateDialog';
import { EnginePicker } from './EnginePicker';
import { PasswordField } from './PasswordField';
import { PullProgress } from './PullProgress';

interface CreateInstanceDialogProps {
  open: boolean;
  /** Closed by the user, or once the instance was created (it then shows in the list by itself). */
  onClose(): void;
}

function CreateFields({ state }: { state: CreateDialogState }) {
  const { form, tags } = state;
  const { values, errors } = form;
  const engine = getEngine(values.engine);
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
          renderInput={(params) => (
            <TextField
              {...params}
              label="Version"
              required
              error={Boolean(errors.tag)}
              helperText={errors.tag ?? (tags.source === 'hub' ? 'Tags from Docker Hub, or type any tag.' : 'Pick one or type any tag.')}
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
          helperText={errors.hostPort ?? `On your computer; ${engine.displayName} listens on ${engine.containerPort} inside.`}
          required
          autoComplete="off"
          slotProps={{ htmlInput: { inputMode: 'numeric' } }}
        />
        <PasswordField
          value={values.password}
          error={errors.password}
          onChange={form.setPassword}
          onRegenerate={form.regeneratePassword}
          onCopy={() => copy(values.password, 'Password')}
        />
      </Box>
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

function CreateInstanceDialogBody({ onClose }: Omit<CreateInstanceDialogProps, 'open'>) {
  const state = useCreateDialog(onClose);
  const { creation } = state;
  const titleId = useId();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void state.submit();
  };
  return (
    <Dialog
      open
      onClose={() => {
        // While creating, Cancel is the way out (it removes what was made).
        if (!creation.creating) onClose();
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
  );
}

/** "New instance": engine, version, name, port, password and options, then the pull and create. */
export function CreateInstanceDialog({ open, ...props }: CreateInstanceDialogProps) {
  return open ? <CreateInstanceDialogBody {...props} /> : null;
}
