import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Collapse from '@mui/material/Collapse';
import Divider from '@mui/material/Divider';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import ExpandLessIcon from '@mui/icons-material/ExpandLess';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import { useId, useState } from 'react';
import { flavouredName, getEngine, getFlavour, type Instance, type InstanceUsage, type Job, type RollbackPoint } from '@dockbase/core';
import type { InstanceAction } from './useInstanceActions';
import { useWatchedServer } from './ServerWatches';
import { ConnectionString } from './ConnectionString';
import { EngineIcon } from '../shared/EngineIcon';
import { FailureReason } from './FailureReason';
import { ActionButtons, BUSY_TEXT, FOCUS_RING, type ActionItem } from './InstanceActions';
import { InstanceDetails } from './InstanceDetails';
import { ExportReadyLine } from '../transfer/ExportReady';
import { ExtensionsPanel } from './ExtensionsPanel';
import { RunningJobLine } from './RunningJob';
import { StatusChip } from './StatusChip';
import { projectText } from './project-text';
import { UsageLine } from './UsageLine';

export interface InstanceCardProps {
  instance: Instance;
  /** The operation running on this instance: every action waits for it. */
  busy: InstanceAction | undefined;
  /** The job running on it (from any tab or the command line): shown, with Cancel while it may be. */
  job?: Job | undefined;
  /** Its actions (instanceActionItems): the same list a table row shows. */
  actions: readonly ActionItem[];
  /** Notes and history (only when the backend is there). */
  withDetails: boolean;
  /** CPU, memory and data size, once measured. */
  usage?: InstanceUsage | undefined;
  /** The rollback point that applies now (from before an upgrade to the version it runs). */
  rollbackPoint?: RollbackPoint | undefined;
  /** Told (with the instance's id) when the notes are first opened: the list keeps such a card rendered. */
  onDetailsShown?(id: string): void;
}

/** One instance: what it is, how to reach it, and what can be done with it. Named by the instance's name. */
export function InstanceCard({ instance, busy, job, actions, withDetails, usage, rollbackPoint, onDetailsShown }: InstanceCardProps) {
  const engine = getEngine(instance.engine);
  // Mounted once first opened, then kept: collapsing the notes never throws a draft away.
  const [detailsOpen, setDetailsOpen] = useState(false);
  const [detailsShown, setDetailsShown] = useState(false);
  const detailsId = useId();
  const extensionsId = useId();
  const [extensionsOpen, setExtensionsOpen] = useState(false);
  const settings = Object.entries(instance.settings ?? {});
  // Kept open while the instance restarts (an Enable that preloads a library restarts it, and says how it went here).
  const hasExtensions = instance.engine === 'postgres';
  const isBusy = busy !== undefined || job !== undefined;
  // Another image than the official one (the flavour's, when it has one) is named.
  const customImage = instance.image !== ((instance.flavour ? getFlavour(instance.flavour)?.image : undefined) ?? engine.image);
  // What the list's watch of every shown instance found (the card asks nothing itself).
  const readiness = useWatchedServer(instance);

  return (
    <Card component="section" role="region" aria-label={instance.name} aria-busy={isBusy} variant="outlined" data-instance={instance.name}>
      <CardContent sx={{ pb: 1 }}>
        <Stack direction="row" spacing={2} alignItems="flex-start">
          <EngineIcon engine={instance.engine} />
          <Stack spacing={1} sx={{ flex: 1, minWidth: 0 }}>
            <Stack direction="row" spacing={1} alignItems="center" flexWrap="wrap" useFlexGap>
              <Typography variant="h6" component="h2" sx={{ wordBreak: 'break-all' }}>
                {instance.name}
              </Typography>
              <StatusChip instance={instance} readiness={readiness} />
              {/* Until its job shows (the job's line then says where it is). */}
              {busy && !job && (
                <Typography variant="body2" color="text.secondary" role="status">
                  {BUSY_TEXT[busy]}
                </Typography>
              )}
            </Stack>
            <Typography variant="body2" color="text.secondary">
              {flavouredName(engine.displayName, instance.flavour)} {instance.tag}
              {customImage ? ` (${instance.image})` : ''} · port {instance.hostPort} on {instance.bindAddress}
              {instance.project ? ` · project ${projectText(instance.project)}` : ''}
              {instance.bindAddress === '127.0.0.1' ? ' (this computer only)' : ' (your network)'}
              {instance.volumes.length === 0 ? ' · data not persisted' : ''}
              {rollbackPoint ? ` · upgraded from ${rollbackPoint.tag}` : ''}
            </Typography>
            {job ? <RunningJobLine job={job} /> : <ExportReadyLine instance={instance} />}
            {instance.failure && <FailureReason instance={instance} failure={instance.failure} />}
            {settings.length > 0 && (
              <Typography variant="body2" color="text.secondary" aria-label="Server settings" sx={{ wordBreak: 'break-word' }}>
                Settings:{' '}
                <Box component="span" sx={{ fontFamily: 'monospace' }}>
                  {settings.map(([n, v]) => `${n}=${v}`).join(' · ')}
                </Box>
              </Typography>
            )}
            <ConnectionString instance={instance} />
            {usage && <UsageLine usage={usage} />}
          </Stack>
        </Stack>
        <Stack direction="row" spacing={0.5} flexWrap="wrap" useFlexGap sx={{ mt: 1, ml: 7 }}>
          <ActionButtons items={actions} />
          <Box sx={{ flex: 1 }} />
          {hasExtensions && (
            <Button
              size="small"
              aria-expanded={extensionsOpen}
              aria-controls={extensionsId}
              endIcon={extensionsOpen ? <ExpandLessIcon /> : <ExpandMoreIcon />}
              onClick={() => setExtensionsOpen((o) => !o)}
              sx={FOCUS_RING}
            >
              Extensions
            </Button>
          )}
          {withDetails && (
            <Button
              size="small"
              aria-expanded={detailsOpen}
              aria-controls={detailsId}
              endIcon={detailsOpen ? <ExpandLessIcon /> : <ExpandMoreIcon />}
              onClick={() => {
                setDetailsShown(true);
                setDetailsOpen((o) => !o);
                onDetailsShown?.(instance.id);
              }}
              sx={FOCUS_RING}
            >
              Notes and history
            </Button>
          )}
        </Stack>
      </CardContent>
      {hasExtensions && extensionsOpen && (
        <>
          <Divider />
          <CardContent id={extensionsId}>
            <ExtensionsPanel instance={instance} />
          </CardContent>
        </>
      )}
      {withDetails && detailsShown && (
        <Collapse in={detailsOpen}>
          <Divider />
          <CardContent id={detailsId}>
            <InstanceDetails instance={instance} />
          </CardContent>
        </Collapse>
      )}
    </Card>
  );
}
