/**
 * The steps of a long operation as a checklist, the way its dialog shows them (an upgrade, a roll back, an
 * import): done, running (with its progress when there is some), to come.
 */
import CircularProgress from '@mui/material/CircularProgress';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import CheckCircleOutlineIcon from '@mui/icons-material/CheckCircleOutline';
import RadioButtonUncheckedIcon from '@mui/icons-material/RadioButtonUnchecked';
import { formatBytes } from '@dockbase/core';

export interface StepItem {
  id: string;
  /** What it does, for people. */
  label: string;
}

export interface StepsProgress {
  step: string | undefined;
  done: readonly string[];
  /** A copy's progress (an upgrade's copy of PostgreSQL data): bytes restored and the old data's size. */
  copy?: { bytes: number; total: number };
  /** The image pull: layers done and in all. */
  pull?: { done: number; total: number };
}

/** `details`: a line under a step (a file's size), whatever its state. */
export function Steps({
  steps,
  progress,
  label,
  details = {},
}: {
  steps: readonly StepItem[];
  progress: StepsProgress;
  label: string;
  details?: Readonly<Record<string, string | undefined>>;
}) {
  return (
    <List dense disablePadding aria-label={label}>
      {steps.map((s) => {
        const done = progress.done.includes(s.id);
        const current = progress.step === s.id;
        const state = done ? 'done' : current ? 'running' : 'to do';
        let detail = details[s.id];
        if (current && s.id === 'copy' && progress.copy) {
          detail = `${formatBytes(progress.copy.bytes)} of about ${formatBytes(progress.copy.total)}`;
        } else if (current && s.id === 'pull' && progress.pull && progress.pull.total > 0) {
          detail = `${progress.pull.done} of ${progress.pull.total} layers`;
        }
        return (
          <ListItem key={s.id} disableGutters aria-current={current ? 'step' : undefined} aria-label={`${s.label}: ${state}`}>
            <ListItemIcon sx={{ minWidth: 32 }}>
              {done ? (
                <CheckCircleOutlineIcon color="success" fontSize="small" />
              ) : current ? (
                <CircularProgress size={16} aria-hidden />
              ) : (
                <RadioButtonUncheckedIcon color="disabled" fontSize="small" />
              )}
            </ListItemIcon>
            <ListItemText
              primary={s.label}
              secondary={detail}
              slotProps={{ primary: { variant: 'body2', color: done || current ? 'text.primary' : 'text.secondary' } }}
            />
          </ListItem>
        );
      })}
    </List>
  );
}
