import TextField from '@mui/material/TextField';
import { getEngine, type EngineId } from '@dockbase/core';

/**
 * Server settings as text, one `name=value` a line, in the engine's own names: the create form's and the edit
 * form's. What they mean, and which are refused, is the core's (model/settings.ts); the field shows its words.
 */
export function SettingsField({
  engine,
  value,
  onChange,
  error,
}: {
  engine: EngineId;
  value: string;
  onChange(text: string): void;
  error?: string | undefined;
}) {
  const e = getEngine(engine);
  const { form, example } = e.settings;
  return (
    <TextField
      label="Server settings"
      value={value}
      onChange={(ev) => onChange(ev.target.value)}
      error={Boolean(error)}
      helperText={
        error ??
        `One name=value a line, given to ${e.displayName} at start as ${form}. Dockbase refuses settings that would change the port, the data folder or the password.`
      }
      placeholder={`${example.name}=${example.value}`}
      multiline
      minRows={2}
      autoComplete="off"
      slotProps={{ htmlInput: { spellCheck: false, 'aria-label': 'Server settings', style: { fontFamily: 'monospace' } } }}
      fullWidth
    />
  );
}
