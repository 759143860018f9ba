import { skipToken, useQuery } from '@tanstack/react-query';
import { flavourTags, type EngineDefinition, type Flavour } from '@dockbase/core';
import { useAppServices } from './context';
import { queryKeys } from './queries';
import { useBackend } from './useBackend';

export interface TagsState {
  /** Version tags to offer (free text is allowed as well). */
  options: readonly string[];
  /** Where they come from: Docker Hub through the backend, or the built-in catalog. */
  source: 'hub' | 'catalog';
  /** Docker Hub could not be asked (no backend, or it did not answer): the catalog's suggestions show, said so. */
  offline: boolean;
  /** Docker Hub's answer is an older one from the backend's cache. */
  cached: boolean;
  /** Tags of the image already on this engine: no download needed. */
  downloaded: ReadonlySet<string>;
  loading: boolean;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * Docker Hub's tags of the engine's image (of the flavour's, with a flavour: only its own tags) when the
 * backend is there, else the catalog's suggestions, said to be such ("offline: suggested versions"); and
 * which tags are already downloaded (one `docker image ls`).
 */
export function useTags(engine: EngineDefinition, image = engine.image, flavour?: Flavour): TagsState {
  const backend = useBackend();
  const { dockbase } = useAppServices();
  const source = flavour?.id ?? engine.id;
  const hub = useQuery({
    queryKey: queryKeys.hubTags(source),
    queryFn: backend ? async () => backend.listTags(source) : skipToken,
  });
  const local = useQuery({ queryKey: queryKeys.localTags(image), queryFn: () => dockbase.creation.localTags(image).then((t) => new Set(t)) });
  const all = local.data ?? NONE;
  const downloaded = flavour ? new Set(flavourTags(flavour, [...all])) : all;
  const hubNames = hub.data?.tags.map((t) => t.name) ?? [];
  const names = flavour ? flavourTags(flavour, hubNames) : hubNames;
  const suggested = (flavour ?? engine).suggestedTags;
  if (backend && names.length > 0) {
    return { options: names, source: 'hub', offline: false, cached: hub.data?.stale ?? false, downloaded, loading: false };
  }
  const loading = Boolean(backend) && hub.isPending;
  // Downloaded tags the catalog does not suggest are worth offering too.
  const options = [...suggested, ...[...downloaded].filter((t) => !suggested.includes(t))];
  return { options, source: 'catalog', offline: !loading, cached: false, downloaded, loading };
}
