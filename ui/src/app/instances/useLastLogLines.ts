import { skipToken, useQuery } from '@tanstack/react-query';
import type { Instance } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { errorMessage } from '../shared/errors';
import { queryKeys } from '../shared/queries';

/** The last lines of an instance's log, read once when asked for (the reason of a failed run). */
export function useLastLogLines(
  instance: Instance,
  enabled: boolean,
  lines = 15,
): { lines: string[] | undefined; loading: boolean; error: string | undefined } {
  const { dockbase } = useAppServices();
  const q = useQuery({
    queryKey: queryKeys.lastLogLines(instance.containerId, instance.statusText, lines),
    queryFn: enabled ? () => dockbase.lifecycle.logs(instance, lines) : skipToken,
  });
  return { lines: q.data, loading: q.isFetching, error: q.error ? errorMessage(q.error) : undefined };
}
