import { skipToken, useQuery } from '@tanstack/react-query';
import type { EngineDefinition } from '@dockbase/core';
import { queryKeys } from '../queries';
import { useBackend } from './useBackend';

export interface TagsState {
  /** Version tags to offer (free text is allowed as well). */
  options: readonly string[];
  /** Where they come from: Docker Hub through the backend, or the built-in catalog. */
  source: 'hub' | 'catalog';
  loading: boolean;
}

/**
 * Docker Hub's tags of the engine's image when the backend is there, else the catalog's suggestions. Docker
 * Hub not answering is silent: the catalog's suggestions show instead.
 */
export function useTags(engine: EngineDefinition): TagsState {
  const backend = useBackend();
  const hub = useQuery({
    queryKey: queryKeys.hubTags(engine.id),
    queryFn: backend ? async () => (await backend.listTags(engine.id)).tags.map((t) => t.name) : skipToken,
  });
  if (backend && hub.data && hub.data.length > 0) return { options: hub.data, source: 'hub', loading: false };
  return { options: engine.suggestedTags, source: 'catalog', loading: Boolean(backend) && hub.isPending };
}
