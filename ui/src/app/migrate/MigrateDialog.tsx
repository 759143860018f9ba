import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useId, useMemo, useState, type FormEvent } from 'react';
import {
  getEngine,
  isDockbaseError,
  migrationRefusal,
  migrationTargets,
  suggestPort,
  usageConflicts,
  validateCreateInput,
  type EngineId,
  type FieldErrors,
  type Instance,
  type MigrateInput,
  type MigrateResult,
} from '@dockbase/core';
import { useEngineUsage } from '../shared/useEngineUsage';
import { useInstanceJob } from '../shared/useInstanceJob';
import { Steps } from '../shared/Steps';

const STEP_IDS = ['check', 'pull', 'copy', 'start', 'ready'] as const;

function MigrateBody({ instance, to, onClose }: { instance: Instance; to: EngineId; onClose(): void }) {
  const titleId = useId();
  const from = getEngine(instance.engine);
  const target = getEngine(to);
  const { usage } = useEngineUsage();
  const state = useInstanceJob<MigrateResult>(instance, 'migrate');
  const [name, setName] = useState(`${instance.name}-${target.id}`);
  const [port, setPort] = useState<string | undefined>();
  const [tag, setTag] = useState(target.defaultTag);
  const [image, setImage] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const hostPort = port ?? String(suggestPort(target, usage?.ports ?? new Set()));
  const input: MigrateInput = useMemo(
    () => ({
      engine: target.id,
      name: name.trim(),
      tag: tag.trim(),
      image: image.trim(),
      hostPort: /^\d+$/.test(hostPort) ? Number(hostPort) : Number.NaN,
      exposeOnNetwork: false,
    }),
    [target.id, name, tag, image, hostPort],
  );
  // The new instance takes the source's password (it is no field here): the password's own rules are the source engine's, already met.
  const errors = useMemo<FieldErrors>(() => {
    const all: FieldErrors = { ...(usage ? usageConflicts(input, usage) : {}), ...validateCreateInput({ ...input, password: '', persistData: true }) };
    delete all.password;
    const refused = state.refusal;
    if (isDockbaseError(refused) && refused.field && refused.field !== 'engine' && !all[refused.field as keyof FieldErrors])
      return { ...all, [refused.field]: refused.message };
    return all;
  }, [input, usage, state.refusal]);
  const refusal = migrationRefusal(instance, input);
  const busy = state.running;
  const finished = state.result !== undefined;
  const shown = (field: keyof FieldErrors) => (submitted || field === 'name' ? errors[field] : undefined);
  const labels: Record<(typeof STEP_IDS)[number], string> = {
    check: `Check that ${target.displayName} ${input.tag} can load the data of ${instance.name}`,
    pull: `Get the image ${input.image || target.image}:${input.tag}`,
    copy: `Copy the data (${instance.name} stops for the copy${instance.status === 'running' ? ' and runs again at once' : ''})`,
    start: `Create ${input.name} and start it`,
    ready: `Wait until ${target.displayName} has loaded the data and answers`,
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (busy || finished || refusal || Object.keys(errors).length > 0) return;
    void state.run({ kind: 'migrate', instanceId: instance.id, input });
  };
  return (
    <Dialog open onClose={onClose} aria-labelledby={titleId} maxWidth="sm" fullWidth>
      <Stack component="form" noValidate onSubmit={submit}>
        <DialogTitle id={titleId}>
          Migrate {instance.name} to {target.displayName}
        </DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <DialogContentText>
              A new {target.displayName} instance gets a copy of the data of {instance.name} ({from.displayName} {instance.tag}) and the same password: its
              clients change only the port. {instance.name} keeps its data, and runs on as before if it runs (it stops for the copy only).
            </DialogContentText>
            <TextField
              label="Name"
              value={name}
              disabled={busy || finished}
              onChange={(e) => setName(e.target.value)}
              error={Boolean(shown('name'))}
              helperText={shown('name')}
            />
            <TextField
              label="Port"
              value={hostPort}
              disabled={busy || finished}
              onChange={(e) => setPort(e.target.value)}
              error={Boolean(shown('hostPort'))}
              helperText={shown('hostPort')}
              inputProps={{ inputMode: 'numeric' }}
            />
            <TextField
              label="Version"
              value={tag}
              disabled={busy || finished}
              onChange={(e) => setTag(e.target.value)}
              error={Boolean(shown('tag'))}
              helperText={shown('tag') ?? `Versions Dockbase knows: ${target.suggestedTags.join(', ')}.`}
            />
            <TextField
              label="Image repository (optional)"
              placeholder={target.image}
              value={image}
              disabled={busy || finished}
              onChange={(e) => setImage(e.target.value)}
              error={Boolean(shown('image'))}
              helperText={shown('image')}
            />
            {refusal && <Alert severity="warning">{refusal}</Alert>}
            {(busy || finished || state.failure) && (
              <Stack role="status" aria-label={`Migrating ${instance.name}`}>
                <Steps
                  steps={STEP_IDS.map((id) => ({ id, label: labels[id] }))}
                  progress={{
                    step: state.progress.step,
                    done: state.progress.done ?? [],
                    ...(state.progress.pull ? { pull: state.progress.pull } : {}),
                  }}
                  label="Steps of the migration"
                />
              </Stack>
            )}
            {state.result && (
              <Alert severity="success">
                {state.result.name} runs {target.displayName} {state.result.tag} on port {state.result.hostPort} with the data of {instance.name}, which is as
                it was.
              </Alert>
            )}
            {state.failure && <Alert severity={state.cancelled ? 'info' : 'error'}>{state.failure}</Alert>}
          </Stack>
        </DialogContent>
        <DialogActions>
          {busy && (
            <Button onClick={state.cancel} disabled={!state.cancellable}>
              Cancel
            </Button>
          )}
          <Button onClick={onClose} title={busy ? 'The migration goes on; the card of the instance shows where it is.' : undefined}>
            Close
          </Button>
          {!finished && (
            <Button type="submit" variant="contained" disabled={busy || Boolean(refusal)}>
              Migrate
            </Button>
          )}
        </DialogActions>
      </Stack>
    </Dialog>
  );
}

/** Make a new instance of another engine (Valkey) from an instance's data (Redis), the instance left as it was. */
export function MigrateDialog({ instance, onClose }: { instance: Instance | undefined; onClose(): void }) {
  const to = instance ? migrationTargets(instance.engine)[0] : undefined;
  return instance && to ? <MigrateBody key={instance.id} instance={instance} to={to} onClose={onClose} /> : null;
}
