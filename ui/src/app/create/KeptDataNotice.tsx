import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import FormControlLabel from '@mui/material/FormControlLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Typography from '@mui/material/Typography';
import { useId } from 'react';
import { describeKeptData, formatSettingLines, getEngine, sameSettings, type ServerSettings } from '@dockbase/core';
import type { CreateDialogState } from './useCreateDialog';

/** What the name's kept data is, and how its password is handled. */
export function KeptDataNotice({ state }: { state: CreateDialogState }) {
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
      {keptData.settings && (
        <Typography variant="body2" component="p" sx={{ mt: 1 }}>
          {sameSettings(keptData.settings, form.input.settings) ? (
            `It starts with the settings it had when it was deleted: ${settingsText(keptData.settings)}.`
          ) : (
            <>
              When it was deleted it ran with the settings {settingsText(keptData.settings)}.{' '}
              <Button size="small" onClick={() => form.setSettings(formatSettingLines(keptData.settings))}>
                Use them
              </Button>
            </>
          )}
        </Typography>
      )}
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
            label={
              canReset
                ? `Reset it to a new password (through ${engine.displayName}'s local socket, inside the container)`
                : `Reset it (${engine.displayName} does not allow it without the old password)`
            }
          />
        </RadioGroup>
      )}
    </Alert>
  );
}

/** "max_connections=57, work_mem=9MB". */
function settingsText(settings: ServerSettings): string {
  return formatSettingLines(settings).split('\n').join(', ');
}
