import { useEffect, useState } from 'react';
import type { EngineDefinition } from '@dockbase/core';
import { useBackend } from './useBackend';

export interface TagsState {
  /** Version tags to offer (free text is allowed as well). */
  options: readonly string[];
  /** Where they come from: Docker Hub through the backend, or the built-in catalog. */
  source: 'hub' | 'catalog';
  loading: boolean;
}

/** Docker Hub's tags of the engine's image when the backend is there, else the catalog's suggestions. */
export function useTags(engine: EngineDefinition): TagsState {
  const backend = useBackend();
  const [answer, setAnswer] = useState<{ engine: string; tags: string[] } | undefined>();

  useEffect(() => {
    if (!backend) return;
    let active = true;
    backend.listTags(engine.id).then(
      (page) => {
        if (active) setAnswer({ engine: engine.id, tags: page.tags.map((t) => t.name) });
      },
      () => {
        if (active) setAnswer({ engine: engine.id, tags: [] });
      },
    );
    return () => {
      active = false;
    };
  }, [backend, engine]);

  const current = answer?.engine === engine.id ? answer : undefined;
  if (backend && current && current.tags.length > 0) return { options: current.tags, source: 'hub', loading: false };
  return { options: engine.suggestedTags, source: 'catalog', loading: Boolean(backend) && !current };
}
