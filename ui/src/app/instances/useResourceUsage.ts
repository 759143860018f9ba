import { useMutation, useQueryClient, useQuery, skipToken } from '@tanstack/react-query';
import type { Instance, UsageReport } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { errorMessage } from '../shared/errors';
import { queryKeys } from '../shared/queries';

export interface ResourceUsageState {
  /** The last measure; undefined until the user asks for one. */
  report: UsageReport | undefined;
  measuring: boolean;
  /** One `docker stats --no-stream` and one `docker system df -v`, now; nothing repeats by itself. */
  measure(instances: readonly Instance[]): void;
}

/** CPU, memory and data size, on request only (an idle tab makes no docker call). */
export function useResourceUsage(): ResourceUsageState {
  const { dockbase, desktop } = useAppServices();
  const client = useQueryClient();
  const { data: report } = useQuery<UsageReport>({ queryKey: queryKeys.resourceUsage, queryFn: skipToken, staleTime: Infinity });
  const { mutate, isPending } = useMutation({
    mutationFn: (instances: readonly Instance[]) => dockbase.resources.measure(instances),
    onSuccess: (r) => client.setQueryData(queryKeys.resourceUsage, r),
    onError: (e) => desktop.toast.error(`Could not measure the instances: ${errorMessage(e)}`),
  });
  return { report, measuring: isPending, measure: mutate };
}
