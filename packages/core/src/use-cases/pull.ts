/**
 * Progress of `docker pull` from its line output. Without a terminal the CLI prints one line per layer
 * event; both the classic vocabulary ("Pulling fs layer", "Pull complete") and the containerd image
 * store's ("Downloading", "Done", "Exists") are understood.
 */
import { pullArgs } from '../docker/images';
import { DockbaseError, cancelled, engineUnavailable, looksLikeEngineDown, stderrExcerpt } from '../model/errors';
import type { DockerRunner } from '../docker/runner';

export type LayerState = 'waiting' | 'downloading' | 'verifying' | 'downloaded' | 'extracting' | 'complete' | 'exists';

export interface LayerProgress {
  id: string;
  state: LayerState;
}

export interface PullProgress {
  /** Layers in the order they first appeared. */
  layers: LayerProgress[];
  /** Layers that are complete or already existed. */
  done: number;
  total: number;
  /** Set when the pull finished. */
  status?: 'downloaded' | 'up-to-date';
  digest?: string;
}

const LAYER_STATES: Array<[RegExp, LayerState]> = [
  [/^(pulling fs layer|waiting|resolving|resolved)$/i, 'waiting'],
  [/^downloading\b/i, 'downloading'],
  [/^verifying checksum$/i, 'verifying'],
  [/^download complete$/i, 'downloaded'],
  [/^extracting\b/i, 'extracting'],
  [/^(pull complete|done|complete)$/i, 'complete'],
  [/^(already exists|exists)$/i, 'exists'],
];

/** "a3ed95caeb02: Pull complete" → { id, state }; other lines → undefined. */
export function parseLayerLine(line: string): LayerProgress | undefined {
  const m = /^([0-9a-f]{12,64}): (.+)$/i.exec(line.trim());
  if (!m) return undefined;
  const text = (m[2] ?? '').trim();
  for (const [re, state] of LAYER_STATES) if (re.test(text)) return { id: m[1] as string, state };
  return undefined;
}

const FINISHED: readonly LayerState[] = ['complete', 'exists'];

export class PullTracker {
  private readonly layers = new Map<string, LayerState>();
  private status: PullProgress['status'];
  private digest: string | undefined;

  /** Feeds one stdout line; returns true when it changed the progress. */
  feed(line: string): boolean {
    const layer = parseLayerLine(line);
    if (layer) {
      const before = this.layers.get(layer.id);
      // A layer never goes back once finished (late "Verifying Checksum" lines can arrive out of order).
      if (before && FINISHED.includes(before) && !FINISHED.includes(layer.state)) return false;
      if (before === layer.state) return false;
      this.layers.set(layer.id, layer.state);
      return true;
    }
    const t = line.trim();
    const digest = /^Digest: (sha256:[0-9a-f]{64})$/.exec(t);
    if (digest) {
      this.digest = digest[1];
      return true;
    }
    if (/^Status: Downloaded newer image for /.test(t)) {
      this.status = 'downloaded';
      return true;
    }
    if (/^Status: Image is up to date for /.test(t)) {
      this.status = 'up-to-date';
      return true;
    }
    return false;
  }

  snapshot(): PullProgress {
    const layers = [...this.layers].map(([id, state]) => ({ id, state }));
    return {
      layers,
      done: layers.filter((l) => FINISHED.includes(l.state)).length,
      total: layers.length,
      ...(this.status ? { status: this.status } : {}),
      ...(this.digest ? { digest: this.digest } : {}),
    };
  }
}

/**
 * What the pull's progress line says: layers done out of layers seen, or, before any layer is listed (or
 * when every layer was already present and docker lists none), that it is checking or that nothing needed
 * downloading: never "0 of 0 layers".
 */
export function describePull(ref: string, p: PullProgress): string {
  if (p.total === 0) return p.status ? `${ref}: every layer was already here.` : `Pulling ${ref}: checking which layers are needed…`;
  const present = p.layers.filter((l) => l.state === 'exists').length;
  return `Pulling ${ref}: ${p.done} of ${p.total} layers done${present ? ` (${present} already here)` : ''}`;
}

/** A failed pull's stderr → a distinct error: not found, rate-limited, network, engine down, other. */
export function pullError(ref: string, stderr: string): DockbaseError {
  if (looksLikeEngineDown(stderr)) return engineUnavailable();
  if (/toomanyrequests|rate limit/i.test(stderr)) {
    return new DockbaseError(
      'pull-rate-limited',
      `Docker Hub's pull rate limit was reached while pulling ${ref}. Sign in to Docker Hub or wait, then try again.`,
    );
  }
  if (/manifest unknown|not found|repository does not exist|pull access denied|no such image|invalid reference format/i.test(stderr)) {
    return new DockbaseError('image-not-found', `Image ${ref} was not found. Check the version and the image name.`, 'tag');
  }
  if (
    /dial tcp|no such host|i\/o timeout|TLS handshake timeout|connection refused|network is unreachable|temporary failure in name resolution|server misbehaving|EOF/i.test(
      stderr,
    )
  ) {
    return new DockbaseError('network', `Could not reach the registry to pull ${ref}: ${stderrExcerpt(stderr)}`);
  }
  return new DockbaseError('command-failed', `Could not pull ${ref}: ${stderrExcerpt(stderr)}`);
}

export interface PullOptions {
  onProgress?: (progress: PullProgress) => void;
  signal?: AbortSignal;
}

/** Pulls an image reference with per-layer progress; the signal cancels it (the pull process is ended). */
export function pullImage(docker: DockerRunner, ref: string, options: PullOptions = {}): Promise<PullProgress> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(cancelled());
      return;
    }
    const tracker = new PullTracker();
    const stderr: string[] = [];
    let aborted = false;
    const handle = docker.stream(pullArgs(ref), {
      onLine: (line, stream) => {
        if (stream === 'stderr') stderr.push(line);
        else if (tracker.feed(line)) options.onProgress?.(tracker.snapshot());
      },
    });
    const onAbort = () => {
      aborted = true;
      handle.cancel();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    handle.done.then((code) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (aborted) reject(cancelled(`Pulling ${ref} was cancelled.`));
      else if (code !== 0) reject(pullError(ref, stderr.join('\n')));
      else resolve(tracker.snapshot());
    }, reject);
  });
}
