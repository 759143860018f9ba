import { useCallback, useEffect, useState } from 'react';
import type { EngineUsage } from '@dockbase/core';
import { useAppServices } from '../context';

export interface EngineUsageState {
  /** Names and host ports taken by any container; undefined until known (or when it could not be read). */
  usage: EngineUsage | undefined;
  /** True once the first answer (or failure) is in: suggestions no longer change under the user. */
  settled: boolean;
  refresh(): void;
}

/** The names and ports already in use, for unique suggestions and conflicts shown before submit. */
export function useEngineUsage(): EngineUsageState {
  const { dockbase } = useAppServices();
  const [usage, setUsage] = useState<EngineUsage | undefined>();
  const [settled, setSettled] = useState(false);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let active = true;
    dockbase.creation.usage().then(
      (u) => {
        if (!active) return;
        setUsage(u);
        setSettled(true);
      },
      () => {
        // Without it the form still works: the service refuses a taken name or port on create.
        if (active) setSettled(true);
      },
    );
    return () => {
      active = false;
    };
  }, [dockbase, generation]);

  const refresh = useCallback(() => setGeneration((g) => g + 1), []);
  return { usage, settled, refresh };
}
