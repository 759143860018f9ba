import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import DownloadIcon from '@mui/icons-material/Download';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { count, type Instance } from '@dockbase/core';
import { useCopyText } from '../shared/useCopyText';
import { useFollowLogs, type LogTail } from './useFollowLogs';

const TAILS: readonly LogTail[] = [100, 200, 1000, 'all'];

/** Saves text as a file through the browser (the standalone host; Docker Desktop has its own log view). */
function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function FollowedLog({ instance }: { instance: Instance }) {
  const [tail, setTail] = useState<LogTail>(200);
  const [timestamps, setTimestamps] = useState(false);
  const [search, setSearch] = useState('');
  const { lines, ended } = useFollowLogs(instance, { tail, timestamps });
  const copy = useCopyText();
  const end = useRef<HTMLDivElement>(null);
  const tailId = useId();
  const needle = search.trim().toLowerCase();
  const shown = useMemo(() => (needle ? lines.filter((l) => l.toLowerCase().includes(needle)) : lines), [lines, needle]);
  useEffect(() => {
    if (!needle) end.current?.scrollIntoView?.({ block: 'end' });
  }, [shown, needle]);
  const text = shown.join('\n');
  // The download saves exactly the lines shown, and its button says which: the matching ones while searching.
  const saved = needle
    ? { label: `Download ${count(shown.length, 'matching line')}`, file: `${instance.name}-matching.log` }
    : { label: `Download ${count(lines.length, 'line')}`, file: `${instance.name}.log` };
  return (
    <>
      <Stack direction="row" spacing={1.5} alignItems="center" flexWrap="wrap" useFlexGap sx={{ mb: 1.5 }}>
        <TextField
          size="small"
          label="Search the log"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          slotProps={{ htmlInput: { type: 'search' } }}
        />
        <FormControl size="small" sx={{ minWidth: 130 }}>
          <InputLabel id={tailId}>Show</InputLabel>
          <Select
            labelId={tailId}
            label="Show"
            value={String(tail)}
            onChange={(e) => setTail(e.target.value === 'all' ? 'all' : (Number(e.target.value) as LogTail))}
          >
            {TAILS.map((t) => (
              <MenuItem key={String(t)} value={String(t)}>
                {t === 'all' ? 'The whole log' : `Last ${t} lines`}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <FormControlLabel control={<Switch checked={timestamps} onChange={(e) => setTimestamps(e.target.checked)} />} label="Timestamps" />
        <Box sx={{ flex: 1 }} />
        <Button size="small" startIcon={<ContentCopyIcon />} onClick={() => copy(text, needle ? 'Matching log lines' : 'Log')} disabled={shown.length === 0}>
          Copy
        </Button>
        <Button
          size="small"
          startIcon={<DownloadIcon />}
          onClick={() => download(saved.file, text ? `${text}\n` : text)}
          disabled={shown.length === 0}
          title={`Saves ${saved.file}`}
        >
          {saved.label}
        </Button>
      </Stack>
      {needle && (
        <Typography variant="body2" color="text.secondary" role="status" sx={{ mb: 1 }}>
          {shown.length} of {lines.length} lines match.
        </Typography>
      )}
      <Box
        role="log"
        aria-label={`Logs of ${instance.name}`}
        tabIndex={0}
        sx={{
          fontFamily: 'monospace',
          fontSize: '0.8125rem',
          whiteSpace: 'pre-wrap',
          wordBreak: 'break-all',
          bgcolor: 'action.hover',
          borderRadius: 1,
          p: 1,
          minHeight: 240,
          maxHeight: '60vh',
          overflowY: 'auto',
        }}
      >
        {shown.map((line, i) => (
          <div key={i}>{line}</div>
        ))}
        <div ref={end} />
      </Box>
      {lines.length === 0 && !ended && (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          Waiting for log output…
        </Typography>
      )}
      {ended && (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          The log stream has ended.
        </Typography>
      )}
    </>
  );
}

/** The instance's log, followed live inside the tab; closing it stops following. */
export function LogsPanel({ instance, onClose }: { instance: Instance | undefined; onClose(): void }) {
  const titleId = useId();
  return (
    <Dialog open={instance !== undefined} onClose={onClose} maxWidth="lg" fullWidth aria-labelledby={titleId}>
      <DialogTitle id={titleId}>Logs: {instance?.name}</DialogTitle>
      <DialogContent>{instance && <FollowedLog key={instance.containerId} instance={instance} />}</DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
