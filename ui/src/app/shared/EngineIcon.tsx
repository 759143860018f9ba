import Avatar from '@mui/material/Avatar';
import type { EngineId } from '@dockbase/core';

/** Each engine's brand colour (the only colours not taken from the theme) and a short monogram. */
const BRAND: Record<EngineId, { accent: string; monogram: string }> = {
  postgres: { accent: '#336791', monogram: 'Pg' },
  mysql: { accent: '#00758f', monogram: 'My' },
  mariadb: { accent: '#003545', monogram: 'Ma' },
  mongo: { accent: '#13aa52', monogram: 'Mo' },
  redis: { accent: '#dc382d', monogram: 'Re' },
  // Dockbase's own mark for Valkey: a deep blue, apart from Redis' red and the other blues.
  valkey: { accent: '#4b3fb5', monogram: 'Va' },
};

export function engineAccent(engine: EngineId): string {
  return BRAND[engine].accent;
}

export function engineMonogram(engine: EngineId): string {
  return BRAND[engine].monogram;
}

/** Decorative: the engine's name is always written next to it. */
export function EngineIcon({ engine, size = 40 }: { engine: EngineId; size?: number }) {
  const brand = BRAND[engine];
  return (
    <Avatar aria-hidden variant="rounded" sx={{ width: size, height: size, bgcolor: brand.accent, color: '#ffffff', fontWeight: 700, fontSize: size * 0.4 }}>
      {brand.monogram}
    </Avatar>
  );
}
