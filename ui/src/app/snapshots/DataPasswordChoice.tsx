import FormControlLabel from '@mui/material/FormControlLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useId, useState } from 'react';
import { asksDataPassword, getEngine, type Instance } from '@dockbase/core';

/** What the Restore (or Import) confirmation asks of the password: keep the instance's, or the data's as given. */
export interface DataPasswordChoiceState {
  /** Whether the question is asked at all (asksDataPassword). */
  asked: boolean;
  given: boolean;
  password: string;
  /** Why the password given cannot be taken (empty, a character the engine refuses): the confirmation waits. */
  error: string | undefined;
  /** The password to send with the job, when one is given. */
  dataPassword: string | undefined;
  setGiven(given: boolean): void;
  setPassword(password: string): void;
}

export function useDataPasswordChoice(instance: Pick<Instance, 'engine'>, what: 'restore' | 'import'): DataPasswordChoiceState {
  const [given, setGiven] = useState(false);
  const [password, setPassword] = useState('');
  const asked = asksDataPassword(instance, what);
  const error = asked && given ? (password ? getEngine(instance.engine).checkPassword(password) : 'Enter the password, or keep the instance’s.') : undefined;
  return { asked, given: asked && given, password, error, dataPassword: asked && given && !error ? password : undefined, setGiven, setPassword };
}

/**
 * The question before a restore or an import into an engine that cannot have its password set without the old
 * one (MySQL, MariaDB, MongoDB): which password the instance should show. Keep its own (masked: Dockbase checks
 * it opens the data afterwards), or give the one the snapshot or dump keeps: the job then gives it to the
 * instance once the data is in, if it opens the data.
 */
export function DataPasswordChoice({
  instance,
  what,
  state,
}: {
  instance: Pick<Instance, 'name' | 'engine'>;
  what: 'restore' | 'import';
  state: DataPasswordChoiceState;
}) {
  const labelId = useId();
  if (!state.asked) return null;
  const source = what === 'import' ? 'dump' : 'snapshot';
  const data = what === 'import' ? 'imported' : 'restored';
  return (
    <Stack spacing={1}>
      <RadioGroup aria-labelledby={labelId} value={state.given ? 'given' : 'keep'} onChange={(e) => state.setGiven(e.target.value === 'given')}>
        <Typography id={labelId} variant="subtitle2">
          Which password should {instance.name} show?
        </Typography>
        <FormControlLabel
          value="keep"
          control={<Radio size="small" />}
          label={`Keep ${instance.name}’s password (********): Dockbase checks it opens the ${data} data`}
        />
        <FormControlLabel value="given" control={<Radio size="small" />} label={`The ${source}’s password is:`} />
      </RadioGroup>
      {state.given && (
        <TextField
          label={`The ${source}’s password`}
          type="password"
          size="small"
          value={state.password}
          onChange={(e) => state.setPassword(e.target.value)}
          error={Boolean(state.error && state.password)}
          helperText={
            (state.password && state.error) ||
            `Once the data is in and the server answers, ${instance.name} takes this password if it opens the data; otherwise it keeps its own.`
          }
          autoComplete="off"
          autoFocus
          fullWidth
        />
      )}
    </Stack>
  );
}
