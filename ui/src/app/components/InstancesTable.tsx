import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { memo } from 'react';
import { getEngine, uptimeOf, type Instance, type InstanceUsage } from '@dockbase/core';
import { useCredentialCheck } from '../hooks/useCredentialCheck';
import type { InstanceAction } from '../hooks/useInstanceActions';
import { EngineIcon } from './EngineIcon';
import { BUSY_TEXT } from './InstanceCard';
import { ActionRowButtons, type ActionItem } from './InstanceActions';
import { StatusChip } from './StatusChip';
import { usageText } from './UsageLine';

export interface InstancesTableProps {
  instances: readonly Instance[];
  busy: Readonly<Record<string, InstanceAction>>;
  actionsOf(instance: Instance): readonly ActionItem[];
  selected: ReadonlySet<string>;
  onSelect(id: string, on: boolean): void;
  onSelectAll(on: boolean): void;
  /** CPU, memory and data size by instance id, once measured (the columns show then). */
  usage: ReadonlyMap<string, InstanceUsage> | undefined;
}

const Row = memo(function Row({
  instance,
  busy,
  actions,
  selected,
  onSelect,
  usage,
  measured,
}: {
  instance: Instance;
  busy: InstanceAction | undefined;
  actions: readonly ActionItem[];
  selected: boolean;
  onSelect(id: string, on: boolean): void;
  usage: InstanceUsage | undefined;
  measured: boolean;
}) {
  const engine = getEngine(instance.engine);
  const { state } = useCredentialCheck(instance);
  const t = usage ? usageText(usage) : undefined;
  return (
    <TableRow hover selected={selected} data-instance={instance.name} aria-busy={busy !== undefined}>
      <TableCell padding="checkbox">
        <Checkbox size="small" checked={selected} onChange={(e) => onSelect(instance.id, e.target.checked)} slotProps={{ input: { 'aria-label': `Select ${instance.name}` } }} />
      </TableCell>
      <TableCell component="th" scope="row" sx={{ fontWeight: 600, wordBreak: 'break-all' }}>
        {instance.name}
      </TableCell>
      <TableCell>
        <Stack direction="row" spacing={1} alignItems="center">
          <EngineIcon engine={instance.engine} size={20} />
          <span>
            {engine.displayName} {instance.tag}
          </span>
        </Stack>
      </TableCell>
      <TableCell>
        <Stack spacing={0.25} alignItems="flex-start">
          <Stack direction="row" spacing={0.5} alignItems="center">
            <StatusChip instance={instance} plain />
            {state?.status === 'rejected' && <Chip size="small" color="error" label="Password refused" title={state.message} />}
          </Stack>
          {busy && (
            <Typography variant="caption" color="text.secondary" role="status">
              {BUSY_TEXT[busy]}
            </Typography>
          )}
          {instance.failure && !busy && (
            <Typography variant="caption" color="error" sx={{ maxWidth: 260 }} noWrap title={instance.failure.summary}>
              {instance.failure.summary}
            </Typography>
          )}
        </Stack>
      </TableCell>
      <TableCell>
        {instance.hostPort}
        {instance.bindAddress !== '127.0.0.1' && (
          <Typography component="span" variant="caption" color="text.secondary" title="Reachable from your network">
            {' '}
            (network)
          </Typography>
        )}
      </TableCell>
      <TableCell>{uptimeOf(instance) ?? '–'}</TableCell>
      {measured && (
        <>
          <TableCell align="right">{t?.cpu ?? '–'}</TableCell>
          <TableCell align="right">{t?.memory ?? '–'}</TableCell>
          <TableCell align="right">{t?.data ?? '–'}</TableCell>
        </>
      )}
      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
        <ActionRowButtons instanceName={instance.name} items={actions} />
      </TableCell>
    </TableRow>
  );
});

/** The compact view: one row per instance, the same actions as a card (its menu holds the less frequent ones). */
export function InstancesTable({ instances, busy, actionsOf, selected, onSelect, onSelectAll, usage }: InstancesTableProps) {
  const all = instances.length > 0 && instances.every((i) => selected.has(i.id));
  const some = instances.some((i) => selected.has(i.id));
  const measured = usage !== undefined;
  return (
    <TableContainer sx={{ border: 1, borderColor: 'divider', borderRadius: 1 }}>
      <Table size="small" aria-label="Instances">
        <TableHead>
          <TableRow>
            <TableCell padding="checkbox">
              <Checkbox
                size="small"
                checked={all}
                indeterminate={some && !all}
                onChange={(e) => onSelectAll(e.target.checked)}
                slotProps={{ input: { 'aria-label': 'Select all shown' } }}
              />
            </TableCell>
            <TableCell>Name</TableCell>
            <TableCell>Engine</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Port</TableCell>
            <TableCell>Uptime</TableCell>
            {measured && (
              <>
                <TableCell align="right">CPU</TableCell>
                <TableCell align="right">Memory</TableCell>
                <TableCell align="right">Data</TableCell>
              </>
            )}
            <TableCell align="right">Actions</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {instances.map((instance) => (
            <Row
              key={instance.id}
              instance={instance}
              busy={busy[instance.id]}
              actions={actionsOf(instance)}
              selected={selected.has(instance.id)}
              onSelect={onSelect}
              usage={usage?.get(instance.id)}
              measured={measured}
            />
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
