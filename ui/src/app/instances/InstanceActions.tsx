import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import ArticleOutlinedIcon from '@mui/icons-material/ArticleOutlined';
import DeleteOutlineIcon from '@mui/icons-material/DeleteOutline';
import DownloadIcon from '@mui/icons-material/Download';
import PhotoCameraOutlinedIcon from '@mui/icons-material/PhotoCameraOutlined';
import UploadIcon from '@mui/icons-material/Upload';
import EditOutlinedIcon from '@mui/icons-material/EditOutlined';
import PauseIcon from '@mui/icons-material/Pause';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import RestartAltIcon from '@mui/icons-material/RestartAlt';
import StopIcon from '@mui/icons-material/Stop';
import TerminalIcon from '@mui/icons-material/Terminal';
import UndoIcon from '@mui/icons-material/Undo';
import UpgradeIcon from '@mui/icons-material/Upgrade';
import MoveUpIcon from '@mui/icons-material/MoveUp';
import { useState, type ReactNode } from 'react';
import { getEngine, isActive, migrationTargets, type Instance, type Job, type RollbackPoint } from '@dockbase/core';
import type { InstanceAction } from './useInstanceActions';
import { FOCUS_RING } from '../shared/styles';

/** One thing a user can do with an instance, wherever it is shown (card or table row). */
export interface ActionItem {
  id: string;
  label: string;
  icon: ReactNode;
  disabled: boolean;
  /** Its operation is running. */
  spinning?: boolean;
  color?: 'error';
  /** Shown as its own button in a table row too; the others go to the row's menu. */
  primary?: boolean;
  onClick(): void;
}

/** What an instance shows while an operation runs on it. */
export const BUSY_TEXT: Record<InstanceAction, string> = {
  start: 'Starting…',
  stop: 'Stopping…',
  restart: 'Restarting…',
  pause: 'Pausing…',
  unpause: 'Unpausing…',
  delete: 'Deleting…',
};

/** What the view does for each action (the instance is bound by the caller). */
export interface ActionHandlers {
  onStart(): void;
  onStop(): void;
  onPause(): void;
  onUnpause(): void;
  onRestart(): void;
  onEdit(): void;
  onLogs(): void;
  onTerminal(): void;
  /** Snapshots (take, restore, clone), export to a file, import from one. */
  onSnapshots(): void;
  onExport(): void;
  onImport(): void;
  /** Upgrade to a newer version with the data. */
  onUpgrade(): void;
  /** Back to the version and data from before the last upgrade (offered while its rollback point exists). */
  onRollback(): void;
  /** A new instance of another engine from its data (offered where a way exists: Redis → Valkey). */
  onMigrate(): void;
  onDelete(): void;
}

/**
 * THE actions of an instance, in their order, with when each is possible: the card and the table row both
 * render this list, so an action added here (Snapshot, Upgrade…) appears in both. While a job runs on the
 * instance (from this tab, another one or the command line), every action waits for it, as while an action runs.
 */
export function instanceActionItems(
  instance: Instance,
  busy: InstanceAction | undefined,
  job: Job | undefined,
  rollbackPoint: RollbackPoint | undefined,
  h: ActionHandlers,
): ActionItem[] {
  const isBusy = busy !== undefined || job !== undefined;
  const active = isActive(instance);
  const paused = instance.status === 'paused';
  return [
    paused
      ? { id: 'unpause', label: 'Unpause', icon: <PlayArrowIcon />, spinning: busy === 'unpause', disabled: isBusy, primary: true, onClick: h.onUnpause }
      : { id: 'start', label: 'Start', icon: <PlayArrowIcon />, spinning: busy === 'start', disabled: isBusy || active, primary: !active, onClick: h.onStart },
    { id: 'stop', label: 'Stop', icon: <StopIcon />, spinning: busy === 'stop', disabled: isBusy || !active, primary: active && !paused, onClick: h.onStop },
    // Beside Stop, for a running instance; a paused one has Unpause (first) instead.
    ...(paused
      ? []
      : [
          {
            id: 'pause',
            label: 'Pause',
            icon: <PauseIcon />,
            spinning: busy === 'pause',
            disabled: isBusy || instance.status !== 'running',
            primary: instance.status === 'running',
            onClick: h.onPause,
          },
        ]),
    { id: 'restart', label: 'Restart', icon: <RestartAltIcon />, spinning: busy === 'restart', disabled: isBusy || !active || paused, onClick: h.onRestart },
    { id: 'edit', label: 'Edit', icon: <EditOutlinedIcon />, disabled: isBusy, onClick: h.onEdit },
    { id: 'logs', label: 'Logs', icon: <ArticleOutlinedIcon />, disabled: isBusy, onClick: h.onLogs },
    { id: 'terminal', label: 'Shell', icon: <TerminalIcon />, disabled: isBusy || instance.status !== 'running', onClick: h.onTerminal },
    { id: 'snapshots', label: 'Snapshot', icon: <PhotoCameraOutlinedIcon />, disabled: isBusy, onClick: h.onSnapshots },
    { id: 'export', label: 'Export', icon: <DownloadIcon />, disabled: isBusy || instance.status !== 'running', onClick: h.onExport },
    { id: 'import', label: 'Import', icon: <UploadIcon />, disabled: isBusy || instance.status !== 'running', onClick: h.onImport },
    { id: 'upgrade', label: 'Upgrade', icon: <UpgradeIcon />, disabled: isBusy, onClick: h.onUpgrade },
    ...(rollbackPoint ? [{ id: 'rollback', label: 'Roll back', icon: <UndoIcon />, disabled: isBusy, onClick: h.onRollback }] : []),
    ...migrationTargets(instance.engine).map((to) => ({
      id: `migrate-${to}`,
      label: `Migrate to ${getEngine(to).displayName}…`,
      icon: <MoveUpIcon />,
      disabled: isBusy || instance.volumes.length === 0,
      onClick: h.onMigrate,
    })),
    { id: 'delete', label: 'Delete', icon: <DeleteOutlineIcon />, spinning: busy === 'delete', disabled: isBusy, color: 'error', onClick: h.onDelete },
  ];
}

export { FOCUS_RING };

function spinner(item: ActionItem): ReactNode {
  return item.spinning ? <CircularProgress size={16} color="inherit" aria-hidden /> : item.icon;
}

/** The actions as a card shows them: a row of labelled buttons. */
export function ActionButtons({ items }: { items: readonly ActionItem[] }) {
  return (
    <>
      {items.map((item) => (
        <Button
          key={item.id}
          size="small"
          variant="text"
          color={item.color ?? 'primary'}
          startIcon={spinner(item)}
          disabled={item.disabled}
          onClick={item.onClick}
          sx={FOCUS_RING}
        >
          {item.label}
        </Button>
      ))}
    </>
  );
}

/**
 * A table row's other actions: a plain button (a hundred rows stay light) opening a menu, which is only
 * created once opened.
 */
export function ActionMenu({ instanceName, items }: { instanceName: string; items: readonly ActionItem[] }) {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const rest = items;
  return (
    <>
      <button
        type="button"
        className="db-icon-button"
        aria-label={`More actions for ${instanceName}`}
        aria-haspopup="menu"
        title="More actions"
        onClick={(e) => setAnchor(e.currentTarget)}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden focusable="false">
          <path
            fill="currentColor"
            d="M12 8c1.1 0 2-.9 2-2s-.9-2-2-2-2 .9-2 2 .9 2 2 2m0 2c-1.1 0-2 .9-2 2s.9 2 2 2 2-.9 2-2-.9-2-2-2m0 6c-1.1 0-2 .9-2 2s.9 2 2 2 2-.9 2-2-.9-2-2-2"
          />
        </svg>
      </button>
      {anchor && (
        <Menu open anchorEl={anchor} onClose={() => setAnchor(null)}>
          {rest.map((item) => (
            <MenuItem
              key={item.id}
              disabled={item.disabled}
              onClick={() => {
                setAnchor(null);
                item.onClick();
              }}
              sx={item.color === 'error' ? { color: 'error.main' } : undefined}
            >
              <ListItemIcon sx={item.color === 'error' ? { color: 'error.main' } : undefined}>{spinner(item)}</ListItemIcon>
              <ListItemText>{item.label}</ListItemText>
            </MenuItem>
          ))}
        </Menu>
      )}
    </>
  );
}
