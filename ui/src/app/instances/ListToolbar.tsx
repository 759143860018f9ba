import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import CircularProgress from '@mui/material/CircularProgress';
import FormControl from '@mui/material/FormControl';
import InputAdornment from '@mui/material/InputAdornment';
import InputLabel from '@mui/material/InputLabel';
import ListItemText from '@mui/material/ListItemText';
import MenuItem from '@mui/material/MenuItem';
import OutlinedInput from '@mui/material/OutlinedInput';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import SearchIcon from '@mui/icons-material/Search';
import SpeedIcon from '@mui/icons-material/Speed';
import StopIcon from '@mui/icons-material/Stop';
import TableRowsIcon from '@mui/icons-material/TableRows';
import ViewAgendaIcon from '@mui/icons-material/ViewAgenda';
import {
  ENGINES,
  STATUS_GROUPS,
  STATUS_GROUP_LABELS,
  getEngine,
  isEngineId,
  type EngineId,
  type ListFilter,
  type StatusGroup,
  type ViewMode,
} from '@dockbase/core';
import { FOCUS_RING } from './InstanceActions';

export interface ListToolbarProps {
  filter: ListFilter;
  onFilter(filter: ListFilter): void;
  view: ViewMode;
  onView(mode: ViewMode): void;
  /** How many the bulk actions apply to, and what they are ("3 selected" / "all 12 shown"). */
  bulkScope: string;
  /** How many instances are selected (the table's checkboxes), and how to unselect them all. */
  selectedCount: number;
  onClearSelection(): void;
  canStart: number;
  canStop: number;
  bulkRunning: boolean;
  onBulk(action: 'start' | 'stop'): void;
  measuring: boolean;
  onMeasure(): void;
  measuredAt: string | undefined;
}

function MultiSelect<T extends string>({
  label,
  values,
  options,
  labelOf,
  onChange,
}: {
  label: string;
  values: ReadonlySet<T>;
  options: readonly T[];
  labelOf(v: T): string;
  onChange(values: Set<T>): void;
}) {
  const id = `filter-${label.toLowerCase()}`;
  return (
    <FormControl size="small" sx={{ minWidth: 150 }}>
      <InputLabel id={`${id}-label`} shrink>
        {label}
      </InputLabel>
      <Select<T[]>
        labelId={`${id}-label`}
        multiple
        value={[...values]}
        onChange={(e) => onChange(new Set(typeof e.target.value === 'string' ? [] : e.target.value))}
        input={<OutlinedInput label={label} notched />}
        renderValue={(selected) => (selected.length === 0 ? 'All' : selected.map(labelOf).join(', '))}
        displayEmpty
        MenuProps={{ slotProps: { paper: { 'aria-label': `${label} filter` } } }}
      >
        {options.map((o) => (
          <MenuItem key={o} value={o}>
            <Checkbox size="small" checked={values.has(o)} />
            <ListItemText primary={labelOf(o)} />
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

/** Search, filters, the view switch, bulk Start/Stop and the on-request usage measure, above the list. */
export function ListToolbar(props: ListToolbarProps) {
  const { filter, onFilter } = props;
  return (
    <Stack direction="row" spacing={1.5} alignItems="center" flexWrap="wrap" useFlexGap>
      <TextField
        size="small"
        label="Search by name"
        value={filter.search}
        onChange={(e) => onFilter({ ...filter, search: e.target.value })}
        slotProps={{
          input: {
            startAdornment: (
              <InputAdornment position="start">
                <SearchIcon fontSize="small" />
              </InputAdornment>
            ),
          },
          htmlInput: { type: 'search' },
        }}
        sx={{ width: 220 }}
      />
      <MultiSelect<EngineId>
        label="Engine"
        values={filter.engines}
        options={ENGINES.map((e) => e.id)}
        labelOf={(id) => (isEngineId(id) ? getEngine(id).displayName : id)}
        onChange={(engines) => onFilter({ ...filter, engines })}
      />
      <MultiSelect<StatusGroup>
        label="Status"
        values={filter.statuses}
        options={STATUS_GROUPS}
        labelOf={(g) => STATUS_GROUP_LABELS[g]}
        onChange={(statuses) => onFilter({ ...filter, statuses })}
      />
      <Stack direction="row" spacing={0.5}>
        <Button
          size="small"
          variant="outlined"
          startIcon={props.bulkRunning ? <CircularProgress size={14} color="inherit" aria-hidden /> : <PlayArrowIcon />}
          disabled={props.bulkRunning || props.canStart === 0}
          onClick={() => props.onBulk('start')}
          sx={FOCUS_RING}
        >
          Start {props.bulkScope} ({props.canStart})
        </Button>
        <Button
          size="small"
          variant="outlined"
          startIcon={props.bulkRunning ? <CircularProgress size={14} color="inherit" aria-hidden /> : <StopIcon />}
          disabled={props.bulkRunning || props.canStop === 0}
          onClick={() => props.onBulk('stop')}
          sx={FOCUS_RING}
        >
          Stop {props.bulkScope} ({props.canStop})
        </Button>
      </Stack>
      {props.selectedCount > 0 && (
        <Stack direction="row" spacing={0.5} alignItems="center">
          <Typography variant="body2" color="text.secondary" role="status">
            {props.selectedCount} selected
          </Typography>
          <Button size="small" onClick={props.onClearSelection} sx={FOCUS_RING}>
            Clear selection
          </Button>
        </Stack>
      )}
      <Tooltip
        disableInteractive
        title={props.measuredAt ? `Measured at ${new Date(props.measuredAt).toLocaleTimeString()}: measure again` : 'CPU, memory and data size, measured once'}
      >
        <span>
          <Button
            size="small"
            startIcon={props.measuring ? <CircularProgress size={14} color="inherit" aria-hidden /> : <SpeedIcon />}
            disabled={props.measuring}
            onClick={props.onMeasure}
            sx={FOCUS_RING}
          >
            Measure usage
          </Button>
        </span>
      </Tooltip>
      <ToggleButtonGroup
        size="small"
        exclusive
        value={props.view}
        onChange={(_, v: ViewMode | null) => v && props.onView(v)}
        aria-label="View"
        sx={{ ml: 'auto' }}
      >
        <ToggleButton value="table" aria-label="Table view" sx={FOCUS_RING}>
          <TableRowsIcon fontSize="small" />
        </ToggleButton>
        <ToggleButton value="cards" aria-label="Card view" sx={FOCUS_RING}>
          <ViewAgendaIcon fontSize="small" />
        </ToggleButton>
      </ToggleButtonGroup>
    </Stack>
  );
}
