import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import CircularProgress from '@mui/material/CircularProgress';
import Collapse from '@mui/material/Collapse';
import Divider from '@mui/material/Divider';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import ArticleOutlinedIcon from '@mui/icons-material/ArticleOutlined';
import DeleteOutlineIcon from '@mui/icons-material/DeleteOutline';
import DownloadIcon from '@mui/icons-material/Download';
import PhotoCameraOutlinedIcon from '@mui/icons-material/PhotoCameraOutlined';
import UploadIcon from '@mui/icons-material/Upload';
import ExpandLessIcon from '@mui/icons-material/ExpandLess';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import RestartAltIcon from '@mui/icons-material/RestartAlt';
import StopIcon from '@mui/icons-material/Stop';
import TerminalIcon from '@mui/icons-material/Terminal';
import UndoIcon from '@mui/icons-material/Undo';
import UpgradeIcon from '@mui/icons-material/Upgrade';
import { useId, useState, type ReactNode } from 'react';
import { getEngine, isActive, type Instance, type RollbackPoint } from '@dockbase/core';
import type { InstanceAction } from '../hooks/useInstanceActions';
import { useServerAnswered } from '../hooks/useServerAnswered';
import { ConnectionString } from './ConnectionString';
import { EngineIcon } from './EngineIcon';
import { InstanceDetails } from './InstanceDetails';
import { StatusChip } from './StatusChip';

const BUSY_TEXT: Record<InstanceAction, string> = {
  start: 'Starting…',
  stop: 'Stopping…',
  restart: 'Restarting…',
  delete: 'Deleting…',
};

export interface InstanceCardProps {
  instance: Instance;
  /** The operation running on this instance: every action waits for it. */
  busy: InstanceAction | undefined;
  /** Notes and history (only when the backend is there). */
  withDetails: boolean;
  onStart(): void;
  onStop(): void;
  onRestart(): void;
  onDelete(): void;
  onLogs(): void;
  onTerminal(): void;
  /** Snapshots (take, restore, clone), export to a file, import from one. */
  onSnapshots(): void;
  onExport(): void;
  onImport(): void;
  /** Upgrade to a newer version with the data. */
  onUpgrade(): void;
  /** The rollback point that applies now (from before an upgrade to the version it runs): Roll back is offered. */
  rollbackPoint?: RollbackPoint | undefined;
  onRollback(): void;
}

function ActionButton(props: { label: string; icon: ReactNode; spinning: boolean; disabled: boolean; onClick(): void; color?: 'error' }) {
  return (
    <Button
      size="small"
      variant="text"
      color={props.color ?? 'primary'}
      startIcon={props.spinning ? <CircularProgress size={16} color="inherit" aria-hidden /> : props.icon}
      disabled={props.disabled}
      onClick={props.onClick}
    >
      {props.label}
    </Button>
  );
}

/** One instance: what it is, how to reach it, and what can be done with it. Named by the instance's name. */
export function InstanceCard(props: InstanceCardProps) {
  const { instance, busy } = props;
  const engine = getEngine(instance.engine);
  const active = isActive(instance);
  const [detailsOpen, setDetailsOpen] = useState(false);
  const detailsId = useId();
  const isBusy = busy !== undefined;
  const customImage = instance.image !== engine.image;
  const serverAnswered = useServerAnswered(instance);

  return (
    <Card component="section" role="region" aria-label={instance.name} aria-busy={isBusy} variant="outlined">
      <CardContent sx={{ pb: 1 }}>
        <Stack direction="row" spacing={2} alignItems="flex-start">
          <EngineIcon engine={instance.engine} />
          <Stack spacing={1} sx={{ flex: 1, minWidth: 0 }}>
            <Stack direction="row" spacing={1} alignItems="center" flexWrap="wrap" useFlexGap>
              <Typography variant="h6" component="h2" sx={{ wordBreak: 'break-all' }}>
                {instance.name}
              </Typography>
              <StatusChip instance={instance} serverAnswered={serverAnswered} />
              {isBusy && (
                <Typography variant="body2" color="text.secondary" role="status">
                  {BUSY_TEXT[busy]}
                </Typography>
              )}
            </Stack>
            <Typography variant="body2" color="text.secondary">
              {engine.displayName} {instance.tag}
              {customImage ? ` (${instance.image})` : ''} · port {instance.hostPort} on {instance.bindAddress}
              {instance.bindAddress === '127.0.0.1' ? ' (this computer only)' : ' (your network)'}
              {instance.volumes.length === 0 ? ' · data not persisted' : ''}
              {props.rollbackPoint ? ` · upgraded from ${props.rollbackPoint.tag}` : ''}
            </Typography>
            <ConnectionString instance={instance} />
          </Stack>
        </Stack>
        <Stack direction="row" spacing={0.5} flexWrap="wrap" useFlexGap sx={{ mt: 1, ml: 7 }}>
          <ActionButton label="Start" icon={<PlayArrowIcon />} spinning={busy === 'start'} disabled={isBusy || active} onClick={props.onStart} />
          <ActionButton label="Stop" icon={<StopIcon />} spinning={busy === 'stop'} disabled={isBusy || !active} onClick={props.onStop} />
          <ActionButton label="Restart" icon={<RestartAltIcon />} spinning={busy === 'restart'} disabled={isBusy || !active} onClick={props.onRestart} />
          <ActionButton label="Logs" icon={<ArticleOutlinedIcon />} spinning={false} disabled={isBusy} onClick={props.onLogs} />
          <ActionButton label="Terminal" icon={<TerminalIcon />} spinning={false} disabled={isBusy || instance.status !== 'running'} onClick={props.onTerminal} />
          <ActionButton label="Snapshot" icon={<PhotoCameraOutlinedIcon />} spinning={false} disabled={isBusy} onClick={props.onSnapshots} />
          <ActionButton label="Export" icon={<DownloadIcon />} spinning={false} disabled={isBusy || instance.status !== 'running'} onClick={props.onExport} />
          <ActionButton label="Import" icon={<UploadIcon />} spinning={false} disabled={isBusy || instance.status !== 'running'} onClick={props.onImport} />
          <ActionButton label="Upgrade" icon={<UpgradeIcon />} spinning={false} disabled={isBusy} onClick={props.onUpgrade} />
          {props.rollbackPoint && <ActionButton label="Roll back" icon={<UndoIcon />} spinning={false} disabled={isBusy} onClick={props.onRollback} />}
          <ActionButton label="Delete" icon={<DeleteOutlineIcon />} spinning={busy === 'delete'} disabled={isBusy} onClick={props.onDelete} color="error" />
          <Box sx={{ flex: 1 }} />
          {props.withDetails && (
            <Button
              size="small"
              aria-expanded={detailsOpen}
              aria-controls={detailsId}
              endIcon={detailsOpen ? <ExpandLessIcon /> : <ExpandMoreIcon />}
              onClick={() => setDetailsOpen((o) => !o)}
            >
              Notes and history
            </Button>
          )}
        </Stack>
      </CardContent>
      {props.withDetails && (
        <Collapse in={detailsOpen} unmountOnExit>
          <Divider />
          <CardContent id={detailsId}>
            <InstanceDetails instance={instance} />
          </CardContent>
        </Collapse>
      )}
    </Card>
  );
}
