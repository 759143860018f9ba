import type { HubTag } from '@dockbase/api';

export type { HubTag };

export interface ParsedTags {
  tags: HubTag[];
  hasMore: boolean;
}

// Docker's reference grammar for a tag; anything else is not a tag name we can hand to the UI.
const TAG_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const ARCHITECTURE = /^[a-z0-9_-]{1,32}$/;

/**
 * Reads one page of `GET /v2/repositories/library/<image>/tags`. Returns undefined when the answer does
 * not have the documented shape, so that nothing unexpected is passed on to the UI: one bad entry makes
 * the whole page unreadable rather than silently shorter.
 */
export function parseTagsPage(json: unknown): ParsedTags | undefined {
  if (!isRecord(json) || !Array.isArray(json.results)) return undefined;
  if (json.next !== undefined && json.next !== null && typeof json.next !== 'string') return undefined;
  const tags: HubTag[] = [];
  for (const result of json.results) {
    const tag = parseTag(result);
    if (!tag) return undefined;
    tags.push(tag);
  }
  return { tags, hasMore: typeof json.next === 'string' && json.next !== '' };
}

function parseTag(result: unknown): HubTag | undefined {
  if (!isRecord(result) || typeof result.name !== 'string' || !TAG_NAME.test(result.name)) return undefined;
  const when = typeof result.last_updated === 'string' ? result.last_updated : result.tag_last_pushed;
  const time = typeof when === 'string' ? Date.parse(when) : NaN;
  if (Number.isNaN(time)) return undefined;
  const images = result.images ?? [];
  if (!Array.isArray(images)) return undefined;
  const architectures = new Set<string>();
  let largestImage = 0;
  for (const image of images) {
    if (!isRecord(image)) return undefined;
    const arch = image.architecture;
    if (typeof arch === 'string' && ARCHITECTURE.test(arch) && arch !== 'unknown') architectures.add(arch);
    if (isSize(image.size)) largestImage = Math.max(largestImage, image.size);
  }
  return {
    name: result.name,
    lastUpdated: new Date(time).toISOString(),
    architectures: [...architectures].sort(),
    size: isSize(result.full_size) ? result.full_size : largestImage,
  };
}

function isSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
