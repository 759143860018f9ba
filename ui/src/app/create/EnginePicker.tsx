import Box from '@mui/material/Box';
import FormControl from '@mui/material/FormControl';
import FormLabel from '@mui/material/FormLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Typography from '@mui/material/Typography';
import { useId } from 'react';
import { ENGINES, isEngineId, type EngineId } from '@dockbase/core';
import { EngineIcon } from '../shared/EngineIcon';

/** The engines as selectable cards: a radio group, so arrow keys move between them. */
export function EnginePicker({ value, onChange, disabled }: { value: EngineId; onChange(engine: EngineId): void; disabled?: boolean }) {
  const labelId = useId();
  return (
    <FormControl component="fieldset" disabled={disabled}>
      <FormLabel component="legend" id={labelId} sx={{ mb: 1 }}>
        Engine
      </FormLabel>
      <RadioGroup
        aria-labelledby={labelId}
        value={value}
        onChange={(e) => {
          if (isEngineId(e.target.value)) onChange(e.target.value);
        }}
        // All five on one row wherever they fit (a 900 px dialog); never 4 + 1 with one left alone.
        sx={{ display: 'grid', gridTemplateColumns: { xs: 'repeat(auto-fill, minmax(150px, 1fr))', md: 'repeat(5, minmax(0, 1fr))' }, gap: 1 }}
      >
        {ENGINES.map((engine) => {
          const selected = engine.id === value;
          return (
            <Box
              key={engine.id}
              component="label"
              sx={{
                position: 'relative',
                display: 'flex',
                alignItems: 'center',
                gap: 1,
                p: 1,
                minWidth: 0,
                borderRadius: 1,
                border: 1,
                borderColor: selected ? 'primary.main' : 'divider',
                borderWidth: selected ? 2 : 1,
                m: selected ? 0 : '1px',
                bgcolor: selected ? 'action.selected' : 'transparent',
                cursor: disabled ? 'default' : 'pointer',
                '&:focus-within': { outline: 2, outlineColor: 'primary.main', outlineStyle: 'solid' },
              }}
            >
              {/* The radio stays for keyboard and screen readers; the card's border shows the choice. */}
              <Radio
                value={engine.id}
                size="small"
                sx={{ position: 'absolute', opacity: 0, width: 1, height: 1, p: 0, m: 0, overflow: 'hidden' }}
                inputProps={{ 'aria-label': engine.displayName }}
              />
              <EngineIcon engine={engine.id} size={28} />
              <Box sx={{ minWidth: 0 }}>
                <Typography variant="body2" fontWeight={600} noWrap>
                  {engine.displayName}
                </Typography>
                <Typography variant="caption" color="text.secondary" noWrap component="div">
                  port {engine.containerPort}
                </Typography>
              </Box>
            </Box>
          );
        })}
      </RadioGroup>
    </FormControl>
  );
}
