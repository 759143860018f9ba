import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
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
import { useId, useMemo, useState, type FormEvent } from 'react';
import {
  describeChanges,
  formatSettingLines,
  generatePassword,
  parseSettingLines,
  sameSettings,
  getEngine,
  usageWarnings,
  validateEdit,
  type EditChanges,
  type EditField,
  type EditableSettings,
  type Instance,
} from '@dockbase/core';
import { useCopyText } from '../shared/useCopyText';
import { useEditInstance } from './useEditInstance';
import { useEngineUsage } from '../shared/useEngineUsage';
import { EDIT_STEP_TEXT } from '../shared/job-words';
import { PasswordField } from '../shared/PasswordField';
import { SettingsField } from '../shared/SettingsField';

const MIB = 1024 * 1024;

function passwordHelp(settings: EditableSettings, engineName: string): string {
  switch (settings.passwordChange) {
    case 'in-database':
      return `Dockbase sets it inside ${engineName} (through its local socket) and checks it before keeping the change.`;
    case 'config-only':
      return `${engineName} takes its password from its settings: the new one applies at once.`;
    case 'verify-only':
      return `${engineName} keeps its password in its data, and Dockbase cannot change it there without the old one. Change it in ${engineName} first (ALTER USER …), then enter it here: Dockbase checks it, and keeps the old settings if it does not work.`;
  }
}

function EditForm({ instance, onClose, titleId }: { instance: Instance; onClose(): void; titleId: string }) {
  const edit = useEditInstance(instance);
  const { usage } = useEngineUsage();
  const engine = getEngine(instance.engine);
  const copy = useCopyText();
  const settings = edit.settings;
  const [port, setPort] = useState<string | undefined>();
  const [expose, setExpose] = useState<boolean | undefined>();
  const [changePassword, setChangePassword] = useState(false);
  const [password, setPassword] = useState(() => generatePassword());
  const [restart, setRestart] = useState<boolean | undefined>();
  const [memory, setMemory] = useState<string | undefined>();
  const [settingsText, setSettingsText] = useState<string | undefined>();
  const parsedSettings = useMemo(() => (settingsText === undefined ? undefined : parseSettingLines(settingsText)), [settingsText]);
  const [serviceErrors, setServiceErrors] = useState<Partial<Record<EditField, string>>>({});

  const changes = useMemo<EditChanges>(() => {
    if (!settings) return {};
    const c: EditChanges = {};
    if (port !== undefined) c.hostPort = /^\s*\d+\s*$/.test(port) ? Number(port) : Number.NaN;
    if (expose !== undefined) c.exposeOnNetwork = expose;
    if (changePassword) c.password = password;
    if (restart !== undefined) c.restartPolicy = restart ? 'unless-stopped' : 'no';
    if (memory !== undefined) c.memoryBytes = memory.trim() === '' ? null : /^\s*\d+\s*$/.test(memory) ? Number(memory) * MIB : Number.NaN;
    if (parsedSettings && !parsedSettings.error && !sameSettings(parsedSettings.settings, settings.settings)) c.settings = parsedSettings.settings;
    return c;
  }, [settings, port, expose, changePassword, password, restart, memory, parsedSettings]);
  const errors = {
    ...validateEdit(instance, changes, usage),
    ...(parsedSettings?.error ? { settings: parsedSettings.error } : {}),
    ...serviceErrors,
  };
  const described = settings ? describeChanges(settings, changes) : [];
  const portWarning =
    changes.hostPort !== undefined && usage && !errors.hostPort ? usageWarnings({ hostPort: changes.hostPort }, usage, instance.name).hostPort : undefined;
  const canSave = settings !== undefined && described.length > 0 && Object.keys(errors).length === 0 && !edit.saving;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!canSave) return;
    const outcome = await edit.save(changes);
    if (outcome.kind === 'saved') onClose();
    else if (outcome.kind === 'invalid') setServiceErrors(outcome.fields);
  };
  const touch = () => setServiceErrors({});

  return (
    <Box component="form" noValidate onSubmit={onSubmit}>
      <DialogTitle id={titleId}>Edit {instance.name}</DialogTitle>
      <DialogContent>
        {!settings ? (
          edit.loadError ? (
            <Alert severity="error">{edit.loadError}</Alert>
          ) : (
            <Stack direction="row" spacing={1} alignItems="center" role="status">
              <CircularProgress size={18} aria-hidden />
              <Typography>Reading its settings…</Typography>
            </Stack>
          )
        ) : edit.saving ? (
          <Stack spacing={1} sx={{ py: 2 }} role="status">
            <Typography>{edit.step ? EDIT_STEP_TEXT[edit.step] : 'Applying…'}</Typography>
            <LinearProgress aria-label={`Applying the changes to ${instance.name}`} />
            <Typography variant="body2" color="text.secondary">
              Its container is replaced on the same data; if anything fails, the old one comes back as it was.
            </Typography>
          </Stack>
        ) : (
          <Stack spacing={2.5} sx={{ pt: 1 }}>
            {edit.failure && <Alert severity="error">{edit.failure}</Alert>}
            <Typography variant="body2" color="text.secondary">
              Docker cannot change these on a running container: Dockbase replaces its container on the same data, keeping its name, notes and history
              {instance.status === 'running' ? ', and starts it again' : ''}. If the new one does not start, the old one comes back unchanged.
            </Typography>
            <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' }, gap: 2 }}>
              <TextField
                label="Port"
                value={port ?? String(settings.hostPort)}
                onChange={(e) => {
                  touch();
                  setPort(e.target.value);
                }}
                error={Boolean(errors.hostPort)}
                helperText={errors.hostPort ?? portWarning ?? `On your computer; ${engine.displayName} listens on ${engine.containerPort} inside.`}
                slotProps={{ htmlInput: { inputMode: 'numeric' }, formHelperText: portWarning && !errors.hostPort ? { sx: { color: 'warning.main' } } : {} }}
                autoComplete="off"
              />
              <TextField
                label="Memory limit (MiB)"
                value={memory ?? (settings.memoryBytes ? String(Math.round(settings.memoryBytes / MIB)) : '')}
                onChange={(e) => {
                  touch();
                  setMemory(e.target.value);
                }}
                error={Boolean(errors.memoryBytes)}
                helperText={errors.memoryBytes ?? 'Empty: no limit.'}
                placeholder="No limit"
                slotProps={{ htmlInput: { inputMode: 'numeric' } }}
                autoComplete="off"
              />
            </Box>
            <Stack spacing={0.5}>
              <FormControlLabel
                control={<Switch checked={expose ?? settings.exposeOnNetwork} onChange={(e) => setExpose(e.target.checked)} />}
                label="Expose on my network"
              />
              <FormHelperText sx={{ mt: 0 }}>
                {(expose ?? settings.exposeOnNetwork) ? 'Other machines on your network can connect (0.0.0.0).' : 'Only this computer can connect (127.0.0.1).'}
              </FormHelperText>
              <FormControlLabel
                control={<Switch checked={restart ?? settings.restartPolicy === 'unless-stopped'} onChange={(e) => setRestart(e.target.checked)} />}
                label="Start with Docker"
              />
              <FormHelperText sx={{ mt: 0 }}>
                {settings.otherRestartPolicy
                  ? `Its restart policy is "${settings.otherRestartPolicy}" (set outside Dockbase); saving sets one of these two.`
                  : 'Starts again when Docker starts, unless you stopped it (restart policy unless-stopped).'}
              </FormHelperText>
            </Stack>
            <SettingsField
              engine={instance.engine}
              value={settingsText ?? formatSettingLines(settings.settings)}
              onChange={(text) => {
                touch();
                setSettingsText(text);
              }}
              error={errors.settings}
            />
            <Stack spacing={1}>
              <FormControlLabel
                control={<Checkbox checked={changePassword} onChange={(e) => setChangePassword(e.target.checked)} />}
                label="Change the password"
              />
              {changePassword && (
                <PasswordField
                  label="New password"
                  value={password}
                  error={errors.password}
                  helperText={passwordHelp(settings, engine.displayName)}
                  onChange={(v) => {
                    touch();
                    setPassword(v);
                  }}
                  onRegenerate={() => setPassword(generatePassword())}
                  onCopy={() => copy(password, 'Password')}
                />
              )}
            </Stack>
            {described.length > 0 && (
              <Typography variant="body2" role="status">
                Changes: {described.join('; ')}.
              </Typography>
            )}
          </Stack>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={edit.saving}>
          Cancel
        </Button>
        <Button
          type="submit"
          variant="contained"
          disabled={!canSave}
          startIcon={edit.saving ? <CircularProgress size={16} color="inherit" aria-hidden /> : undefined}
        >
          Save
        </Button>
      </DialogActions>
    </Box>
  );
}

/** Port, exposure, password, restart policy, memory limit and server settings of an instance. */
export function EditInstanceDialog({ instance, onClose }: { instance: Instance | undefined; onClose(): void }) {
  const titleId = useId();
  // While a change is applied, the dialog stays: its progress is the only place that says what happens.
  return (
    <Dialog open={instance !== undefined} onClose={onClose} maxWidth="sm" fullWidth aria-labelledby={titleId}>
      {instance && <EditForm key={instance.id} instance={instance} onClose={onClose} titleId={titleId} />}
    </Dialog>
  );
}
