import type { TagSource } from '@dockbase/api';
import type { HubTag, TagsPage } from '@dockbase/api';
import { FLAVOURS, getEngine, isEngineId } from '@dockbase/core';
import { parseTagsPage } from './parse.js';

export const MAX_PAGE = 10;
export const MAX_PAGE_SIZE = 100;

export interface TagsQuery {
  /** Substring filter on the tag name ('' for none). */
  name: string;
  page: number;
  pageSize: number;
}

export type { TagsPage };

export type HubFailureReason = 'hub-unavailable' | 'rate-limited';

/** Docker Hub could not answer and nothing was cached for this query. */
export class HubUnavailableError extends Error {
  constructor(
    readonly reason: HubFailureReason,
    message: string,
    readonly retryAt: string,
  ) {
    super(message);
  }
}

export interface HubTagsOptions {
  hubUrl: string;
  ttlMs: number;
  /** Bound on one Docker Hub request, body included. */
  timeoutMs?: number;
  /** How long to leave Docker Hub alone after a failure that gave no retry time of its own. */
  backoffMs?: number;
  /** Cached queries kept (oldest dropped first); filters typed by users make the key space open. */
  maxEntries?: number;
  now?: () => number;
}

interface Failure {
  reason: HubFailureReason;
  message: string;
  until: number;
}

type Answer = Omit<TagsPage, 'stale' | 'retryAt'>;

/** A 100-tag page is a few hundred kB; anything far bigger is not a tags page, and is not read past this. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Redirects followed within Docker Hub's own origin; one elsewhere is refused. */
const MAX_REDIRECTS = 3;

/** The Docker Hub tags of the official images, cached, with a stale answer when Hub fails. */
export class HubTags {
  private readonly cache = new Map<string, { answer: Answer; fetchedAt: number }>();
  private readonly inFlight = new Map<string, Promise<TagsPage>>();
  /** Set after a failure: until then, Docker Hub is not asked (a 429 says so; otherwise it spares Hub and timeouts). */
  private failure: Failure | undefined;
  private readonly now: () => number;

  constructor(private readonly options: HubTagsOptions) {
    this.now = options.now ?? Date.now;
  }

  get(image: TagSource, query: TagsQuery): Promise<TagsPage> {
    const key = JSON.stringify([image, query.name, query.page, query.pageSize]);
    const cached = this.cache.get(key);
    const now = this.now();
    if (cached && now - cached.fetchedAt < this.options.ttlMs) return Promise.resolve({ ...cached.answer, stale: false });
    if (this.failure && now < this.failure.until) return this.fallback(key, this.failure);
    // Simultaneous requests for the same page share one call to Docker Hub.
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.refresh(key, image, query).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async refresh(key: string, image: TagSource, query: TagsQuery): Promise<TagsPage> {
    const result = await this.fetchPage(image, query);
    if ('reason' in result) {
      this.failure = result;
      return this.fallback(key, result);
    }
    this.failure = undefined;
    const answer: Answer = { image, page: query.page, ...result };
    this.cache.delete(key);
    this.cache.set(key, { answer, fetchedAt: this.now() });
    if (this.cache.size > (this.options.maxEntries ?? 200)) this.cache.delete(this.cache.keys().next().value!);
    return { ...answer, stale: false };
  }

  private fallback(key: string, failure: Failure): Promise<TagsPage> {
    const retryAt = new Date(failure.until).toISOString();
    const cached = this.cache.get(key);
    if (cached) return Promise.resolve({ ...cached.answer, stale: true, retryAt });
    return Promise.reject(new HubUnavailableError(failure.reason, failure.message, retryAt));
  }

  private async fetchPage(image: TagSource, query: TagsQuery): Promise<{ tags: HubTag[]; hasMore: boolean } | Failure> {
    const url = new URL(`${this.options.hubUrl}/v2/repositories/${hubRepository(image)}/tags`);
    url.searchParams.set('page_size', String(query.pageSize));
    url.searchParams.set('page', String(query.page));
    url.searchParams.set('ordering', 'last_updated');
    if (query.name) url.searchParams.set('name', query.name);
    const unavailable = (message: string): Failure => ({
      reason: 'hub-unavailable',
      message,
      until: this.now() + (this.options.backoffMs ?? 30_000),
    });
    let status: number;
    let retryAfter: string | null;
    let body: string;
    try {
      const signal = AbortSignal.timeout(this.options.timeoutMs ?? 10_000);
      const hubOrigin = new URL(this.options.hubUrl).origin;
      let target = url;
      let res: Response;
      for (let hops = 0; ; hops++) {
        // Redirects are followed by hand: only within Docker Hub's origin, never to wherever a reply points.
        res = await fetch(target, { headers: { accept: 'application/json' }, redirect: 'manual', signal });
        const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
        if (location === null) break;
        await res.body?.cancel();
        const next = new URL(location, target);
        if (next.origin !== hubOrigin) return unavailable('Docker Hub redirected to another site; Dockbase does not follow that.');
        if (hops >= MAX_REDIRECTS) return unavailable('Docker Hub redirected too many times.');
        target = next;
      }
      status = res.status;
      retryAfter = res.headers.get('x-retry-after');
      const text = await readAtMost(res, MAX_BODY_BYTES);
      if (text === undefined) return unavailable(`Docker Hub sent an answer larger than ${MAX_BODY_BYTES / 1024 / 1024} MB; Dockbase stopped reading it.`);
      body = text;
    } catch {
      return unavailable('Docker Hub could not be reached (network error or timeout).');
    }
    if (status === 429) {
      // X-Retry-After is a unix time in seconds.
      const seconds = Number(retryAfter);
      const until = Number.isFinite(seconds) && seconds > 0 ? Math.max(seconds * 1000, this.now()) : this.now() + 60_000;
      return { reason: 'rate-limited', message: 'Docker Hub’s rate limit was reached; try again later.', until };
    }
    // Hub answers 404 for a page past the last one: that is an empty page, not an error.
    if (status === 404) return { tags: [], hasMore: false };
    if (status < 200 || status >= 300) return unavailable(`Docker Hub answered with HTTP ${status}.`);
    let parsed: ReturnType<typeof parseTagsPage>;
    try {
      parsed = parseTagsPage(JSON.parse(body));
    } catch {
      parsed = undefined;
    }
    if (!parsed) return unavailable('Docker Hub sent an answer that Dockbase could not read.');
    // Paging is bounded: never offer a page past the last one the API serves.
    return { tags: parsed.tags, hasMore: parsed.hasMore && query.page < MAX_PAGE };
  }
}

/**
 * The body as text, or undefined as soon as it is longer than `limit` bytes: read as a stream and given up
 * (the connection closed) at the limit, so a reply that never ends costs `limit` bytes of memory, not all of it.
 */
async function readAtMost(res: Response, limit: number): Promise<string | undefined> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel();
    return undefined;
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The Docker Hub repository of a tag source: an engine's image (official images live under library/; Valkey's
 * is its project's own, valkey/valkey) or a flavour's own ("pgvector/pgvector").
 */
export function hubRepository(source: TagSource): string {
  const image = isEngineId(source) ? getEngine(source).image : (FLAVOURS.find((f) => f.id === source)?.image ?? source);
  return image.includes('/') ? image : `library/${image}`;
}
