import Alert from '@mui/material/Alert';
import Autocomplete from '@mui/material/Autocomplete';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import {
  extensionsText,
  getEngine,
  getFlavour,
  planUpgrade,
  upgradeTargets,
  type Instance,
  type RollbackPoint,
  type UpgradePlan,
  type UpgradeStepId,
} from '@dockbase/core';
import { count, formatTime } from '../shared/format';
import { useAppServices } from '../shared/context';
import { useTags } from '../shared/useTags';
import { Steps } from '../shared/Steps';
import { useRollback, useUpgrade } from './useUpgrade';

function UpgradeBody({ instance, onClose }: { instance: Instance; onClose(): void }) {
  const engine = getEngine(instance.engine);
  const tags = useTags(engine, instance.image, instance.flavour ? getFlavour(instance.flavour) : undefined);
  const state = useUpgrade(instance);
  const titleId = useId();
  const targets = useMemo(() => upgradeTargets(instance, tags.options), [instance, tags.options]);
  const [tag, setTag] = useState(() => targets.find((t) => !t.refusal)?.to ?? '');
  // Once started, the plan stays as it was decided: the instance itself changes version under it.
  const [started, setStarted] = useState<UpgradePlan | undefined>();
  const typed = useMemo(() => (tag.trim() ? planUpgrade(instance, tag) : undefined), [instance, tag]);
  // An upgrade of this instance started elsewhere (another tab, the command line) shows with its own plan.
  const plan = started ?? (state.running || state.result ? state.plan : undefined) ?? typed;
  const noData = instance.volumes.length === 0;
  const busy = state.running;
  const finished = state.result !== undefined;
  // What the engine holds may block the version chosen (a roll back's kept data in the volume it would make):
  // asked before the Upgrade button, so nothing starts only to be refused.
  const { dockbase } = useAppServices();
  const asks = Boolean(typed && !typed.refusal && typed.method === 'dump-restore' && !started && !busy && !finished && !noData);
  const { data: blocked } = useQuery({
    queryKey: ['upgrade-blocker', instance.id, typed?.to],
    queryFn: async () => (await dockbase.upgrades.blocker(instance, typed!.to)) ?? null,
    enabled: asks,
    staleTime: 0,
  });
  const blocker = asks ? (blocked ?? undefined) : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!plan || plan.refusal || noData || busy || blocker) return;
    setStarted(plan);
    void state.run(plan).then((ok) => (ok ? undefined : setStarted(undefined)));
  };
  return (
    <Dialog open onClose={onClose} aria-labelledby={titleId} maxWidth="sm" fullWidth>
      <Stack component="form" noValidate onSubmit={submit}>
        <DialogTitle id={titleId}>Upgrade {instance.name}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <DialogContentText>
              {instance.name} runs {engine.displayName} {plan?.from ?? instance.tag}. It keeps its name, port, password, notes and history; its data moves with
              it, and the data from before stays as a rollback point until you delete it.
            </DialogContentText>
            <Autocomplete
              freeSolo
              disabled={started !== undefined || busy}
              options={targets.map((t) => t.to)}
              getOptionDisabled={(option) => Boolean(targets.find((t) => t.to === option)?.refusal)}
              value={tag}
              inputValue={tag}
              onChange={(_, v) => setTag(typeof v === 'string' ? v : '')}
              onInputChange={(_, v) => setTag(v)}
              renderInput={(params) => (
                <TextField
                  {...params}
                  label="New version"
                  helperText={tags.source === 'hub' ? 'Newer tags from Docker Hub, or type one.' : 'Newer versions Dockbase knows, or type one.'}
                />
              )}
            />
            {noData ? (
              <Alert severity="info">
                {instance.name} keeps no data volume (it was created without “Persist data”): there is no data to carry over. Create a new instance at the
                version you want instead.
              </Alert>
            ) : plan?.refusal ? (
              <Alert severity="warning">{plan.refusal}</Alert>
            ) : blocker ? (
              <Alert severity="warning">{blocker}</Alert>
            ) : plan ? (
              <Alert severity="info" icon={false}>
                {plan.explanation}
              </Alert>
            ) : null}
            {plan && !plan.refusal && !noData && (busy || finished || state.failure) && (
              <Stack spacing={1} role="status" aria-label={`Upgrading ${instance.name}`}>
                <Steps steps={plan.steps} progress={state.progress} label={`Steps of the upgrade to ${plan.to}`} />
                {busy && state.progress.step === 'copy' && state.progress.copy && state.progress.copy.total > 0 && (
                  <LinearProgress
                    variant="determinate"
                    value={Math.min(100, (100 * state.progress.copy.bytes) / state.progress.copy.total)}
                    aria-label="Copied"
                  />
                )}
              </Stack>
            )}
            {state.result && (
              <Alert severity="success">
                {instance.name} now runs {engine.displayName} {state.result.serverVersion}
                {state.result.verified ? ` (${count(state.result.verified.tables, 'table')}, ${count(state.result.verified.rows, 'row')} checked)` : ''}
                {extensionsText(state.result.extensions) ? `, with its extensions ${extensionsText(state.result.extensions)}` : ''}. Its {state.result.from}{' '}
                data is kept as “{state.result.rollbackPoint.name}”: Roll back returns to it.
              </Alert>
            )}
            {state.failure && <Alert severity={/^Upgrade cancelled/.test(state.failure) ? 'info' : 'error'}>{state.failure}</Alert>}
          </Stack>
        </DialogContent>
        <DialogActions>
          {busy && (
            // Until the switch-over, Cancel leaves the instance exactly as it was; after it, the upgrade finishes or is undone.
            <Button onClick={state.cancel} disabled={!state.canCancel}>
              Cancel
            </Button>
          )}
          {/* A job goes on without its dialog (and without the page): the instance's card shows where it is. */}
          <Button onClick={onClose} title={busy ? 'The upgrade goes on; its card shows where it is.' : undefined}>
            Close
          </Button>
          {!finished && (
            <Button type="submit" variant="contained" disabled={busy || !plan || Boolean(plan.refusal) || noData || Boolean(blocker)}>
              Upgrade
            </Button>
          )}
        </DialogActions>
      </Stack>
    </Dialog>
  );
}

const ROLLBACK_STEPS: Record<'as-is' | 'copy', UpgradeStepId[]> = {
  'as-is': ['pull', 'stop', 'keep', 'switch', 'check'],
  copy: ['pull', 'stop', 'keep', 'restore', 'switch', 'check'],
};

function RollbackBody({ instance, point, onClose }: { instance: Instance; point: RollbackPoint; onClose(): void }) {
  const engine = getEngine(instance.engine);
  const state = useRollback(instance);
  const titleId = useId();
  const asIs = !point.volumes.every((v) => v.volume.includes(`-snap-${point.id}-`));
  const labels: Record<UpgradeStepId, string> = {
    pull: `Get the image ${point.image}:${point.tag}`,
    stop: `Stop ${instance.name}`,
    keep: `Keep what ${instance.tag} holds now as a “before rollback” snapshot`,
    restore: `Put the data from before the upgrade back`,
    switch: `Start ${engine.displayName} ${point.tag} on it`,
    check: `Check that the server reports ${point.tag}`,
    align: '',
    snapshot: '',
    prepare: '',
    copy: '',
    verify: '',
  };
  const steps = ROLLBACK_STEPS[asIs ? 'as-is' : 'copy'].map((id) => ({ id, label: labels[id] }));
  const finished = state.result !== undefined;
  return (
    <Dialog open onClose={() => (state.running ? undefined : onClose())} aria-labelledby={titleId} maxWidth="sm" fullWidth>
      <DialogTitle id={titleId}>Roll back {instance.name}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          <DialogContentText>
            {instance.name} returns to {engine.displayName} {point.tag} with its data as it was before the upgrade to {point.upgradeTo} (
            {formatTime(point.createdAt)}): whatever was written since is not in it. Dockbase keeps what {instance.name} holds now in a “before rollback”
            snapshot, which stays until you delete it.
          </DialogContentText>
          {(state.running || finished || state.failure) && (
            <Stack role="status" aria-label={`Rolling back ${instance.name}`}>
              <Steps steps={steps} progress={state.progress} label="Steps of the roll back" />
            </Stack>
          )}
          {state.result && (
            <Alert severity="success">
              {instance.name} runs {engine.displayName} {state.result.serverVersion} again. What {state.result.from} held is kept as “{state.result.kept.name}”.
            </Alert>
          )}
          {state.failure && <Alert severity="error">{state.failure}</Alert>}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={state.running}>
          {finished ? 'Close' : 'Cancel'}
        </Button>
        {!finished && (
          <Button variant="contained" color="warning" disabled={state.running} onClick={() => void state.run(point)}>
            Roll back
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}

/** Upgrade one instance to a newer version: the versions, what will happen, progress per step, Cancel until the switch. */
export function UpgradeDialog({ instance, onClose }: { instance: Instance | undefined; onClose(): void }) {
  return instance ? <UpgradeBody key={instance.id} instance={instance} onClose={onClose} /> : null;
}

/** Roll one instance back to its rollback point, after saying what happens to the data. */
export function RollbackDialog({ instance, point, onClose }: { instance: Instance | undefined; point: RollbackPoint | undefined; onClose(): void }) {
  return instance && point ? <RollbackBody key={`${instance.id}-${point.id}`} instance={instance} point={point} onClose={onClose} /> : null;
}
