/**
 * A dump that finished but was not saved yet (the page was away, or its dialog was closed), on its instance's
 * card and table row: "Export ready", with Save… (the Export dialog on that dump, to choose the folder) and
 * Discard (removes it from the container; nothing is asked, the data stays in the instance).
 */
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { formatBytes, type Instance } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { errorMessage } from '../shared/errors';
import { lazyPart } from '../shared/lazy-part';
import { PartBoundary } from '../shared/PartBoundary';
import { settleExport, useReadyExport, type ReadyExport } from './ready-exports';

const ExportDialog = lazyPart(
  () => import('./TransferDialogs'),
  (m) => m.ExportDialog,
);

function useExportReady(instance: Instance) {
  const { dockbase, desktop } = useAppServices();
  const ready = useReadyExport(instance);
  const [saving, setSaving] = useState<ReadyExport | undefined>();
  const discard = (r: ReadyExport) => {
    settleExport(r.jobId);
    dockbase.backups.discardExport(instance, r.dump).catch((e: unknown) => desktop.toast.error(errorMessage(e)));
  };
  const dialog = saving && (
    <PartBoundary what="the export dialog" onClose={() => setSaving(undefined)}>
      <ExportDialog instance={instance} ready={saving} onClose={() => setSaving(undefined)} />
    </PartBoundary>
  );
  return { ready: ready ?? saving, save: setSaving, discard, dialog, text: (r: ReadyExport) => `Export ready (${formatBytes(r.dump.sizeBytes)})` };
}

/** On a card: a line of its own. */
export function ExportReadyLine({ instance }: { instance: Instance }) {
  const { ready, save, discard, dialog, text } = useExportReady(instance);
  if (!ready) return null;
  return (
    <Stack direction="row" spacing={1} alignItems="center">
      <Typography variant="body2" color="text.secondary" sx={{ minWidth: 0 }}>
        {text(ready)}
      </Typography>
      <Button size="small" onClick={() => save(ready)} aria-label={`Save the export of ${instance.name}`}>
        Save…
      </Button>
      <Button size="small" onClick={() => discard(ready)} aria-label={`Discard the export of ${instance.name}`}>
        Discard
      </Button>
      {dialog}
    </Stack>
  );
}

/** In a table row's status cell: a short note and its two buttons. */
export function ExportReadyNote({ instance }: { instance: Instance }) {
  const { ready, save, discard, dialog, text } = useExportReady(instance);
  if (!ready) return null;
  return (
    <span className="db-job">
      <span className="db-note">{text(ready)}</span>
      <button type="button" className="db-text-button" onClick={() => save(ready)} aria-label={`Save the export of ${instance.name}`}>
        Save…
      </button>
      <button type="button" className="db-text-button" onClick={() => discard(ready)} aria-label={`Discard the export of ${instance.name}`}>
        Discard
      </button>
      {dialog}
    </span>
  );
}
