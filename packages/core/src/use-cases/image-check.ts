/**
 * The image check before a pull: whether the chosen tag exists in its registry for this machine's platform
 * (MySQL 5.7 has no linux/arm64 image, which Apple silicon runs), asked with `docker manifest inspect`
 * before anything is downloaded or changed; when it does not, the nearest tags that do. Without an answer
 * from the registry (offline, a private registry) it says that it could not be checked, and the pull goes on.
 */
import { manifestInspectArgs, parseManifestPlatforms, splitImageRef } from '../docker/images';
import type { DockerRunner } from '../docker/runner';
import { compareVersions, versionOf } from '../engines';
import { DockbaseError, stderrExcerpt } from '../model/errors';
import { imageRef } from '../model/instance';

export type ImageVerdict = 'available' | 'missing' | 'not-for-platform' | 'unchecked';

export interface ImageCheck {
  ref: string;
  verdict: ImageVerdict;
  /** This machine's platform ("linux/arm64"), when the engine said. */
  platform?: string;
  /** The platforms the registry has for the tag. */
  platforms?: string[];
  /** Tags of the same repository near the chosen one that exist for this platform (missing, not-for-platform). */
  nearest?: string[];
  /** What a user reads. */
  message: string;
}

/** A tag that might be offered instead; `architectures` when a list of tags says them already (Docker Hub's). */
export interface CandidateTag {
  name: string;
  architectures?: readonly string[];
}

export interface ImageCheckOptions {
  platform?: string | undefined;
  /** Tags of the same repository to name instead when the chosen one cannot be used. */
  candidates?: readonly CandidateTag[];
  /** The version a tag names (the engine's rule: a PostgreSQL flavour's "pg17" is 17). */
  versionOf?: (tag: string) => number[] | undefined;
  signal?: AbortSignal | undefined;
}

/** How many candidates without known platforms are asked about, nearest first. */
const ASKED_CANDIDATES = 4;

/** Whether a platform the registry lists runs here: "linux/arm64/v8" serves "linux/arm64". */
export function servesPlatform(platforms: readonly string[], platform: string): boolean {
  return platforms.some((p) => p === platform || p.startsWith(`${platform}/`) || platform.startsWith(`${p}/`));
}

/** The candidates nearest to `tag` first: the same suffix ("-alpine"), then the closest version, newer first on a tie. */
export function byNearness(tag: string, candidates: readonly string[], parse: (t: string) => number[] | undefined = versionOf): string[] {
  const want = parse(tag) ?? [];
  const suffix = (t: string) => /-[a-z][a-z0-9.]*$/i.exec(t)?.[0] ?? '';
  const score = (t: string): [number, number, number, number] => {
    const v = parse(t) ?? [];
    let i = 0;
    while (i < Math.min(v.length, want.length) && v[i] === want[i]) i++;
    const diff = (v[i] ?? 0) - (want[i] ?? 0);
    return [suffix(t) === suffix(tag) ? 0 : 1, -i, Math.abs(diff), diff > 0 ? 0 : 1];
  };
  return [...new Set(candidates)]
    .filter((t) => t !== tag && parse(t) !== undefined)
    .sort((a, b) => {
      const x = score(a);
      const y = score(b);
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
      // Still tied: the closest one, i.e. the oldest of the newer ones, the newest of the older ones.
      const order = compareVersions(parse(a)!, parse(b)!) ?? 0;
      return x[3] === 0 ? order : -order;
    });
}

/**
 * How long the registry gets to answer one question. `docker manifest inspect` is the CLI talking to the
 * registry itself (not the engine): a registry that hangs would hold a create or an upgrade, and an engine that
 * goes away meanwhile would not end it. Past this, the tag counts as not checked and the download tells.
 */
export const REGISTRY_ANSWER_MS = 10_000;

/** What the registry says of one reference: its platforms, or that it is not there, or nothing (unreachable). */
async function ask(docker: DockerRunner, ref: string, signal?: AbortSignal): Promise<{ platforms: string[] } | 'missing' | { unchecked: string }> {
  const patience = new AbortController();
  const onAbort = () => patience.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const silent = { unchecked: `its registry did not answer within ${REGISTRY_ANSWER_MS / 1000} s` } as const;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Out of patience, the command is stopped, and the answer does not wait for it to end: not every way of
  // running docker (a bridge, a wrapper) ends a command the moment it is asked to.
  const outOfPatience = new Promise<typeof silent>((resolve) => {
    timer = setTimeout(() => {
      patience.abort();
      resolve(silent);
    }, REGISTRY_ANSWER_MS);
  });
  let r: Awaited<ReturnType<DockerRunner['tryRun']>> | typeof silent;
  try {
    r = await Promise.race([docker.tryRun(manifestInspectArgs(ref), patience.signal), outOfPatience]);
  } catch (e) {
    // Out of patience (not cancelled by the caller): no word from the registry.
    if (!signal?.aborted && patience.signal.aborted) return silent;
    throw e;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  if ('unchecked' in r) return r;
  if (r.code === 0) {
    try {
      return { platforms: parseManifestPlatforms(r.stdout) };
    } catch {
      return { unchecked: 'its answer could not be read' };
    }
  }
  if (/no such manifest|manifest unknown|not found|name unknown/i.test(r.stderr)) return 'missing';
  return { unchecked: stderrExcerpt(r.stderr, [], 160) || `exit code ${r.code}` };
}

/** Checks `ref` in its registry for `platform` (see the module's comment). Never throws for what the registry says. */
export async function checkImage(docker: DockerRunner, ref: string, options: ImageCheckOptions = {}): Promise<ImageCheck> {
  const { platform, signal } = options;
  const answer = await ask(docker, ref, signal);
  const base = { ref, ...(platform ? { platform } : {}) };
  if (typeof answer === 'object' && 'unchecked' in answer) {
    return {
      ...base,
      verdict: 'unchecked',
      message: `Dockbase could not check ${ref} in its registry (${answer.unchecked.replace(/\.$/, '')}); the download will say whether it exists.`,
    };
  }
  if (answer !== 'missing' && (!platform || answer.platforms.length === 0 || servesPlatform(answer.platforms, platform))) {
    return { ...base, verdict: 'available', platforms: answer.platforms, message: `${ref} exists${platform ? ` for ${platform}` : ''}.` };
  }
  const nearest = await nearestAvailable(docker, ref, options);
  const instead = nearest.length > 0 ? ` Nearest tags that do: ${nearest.join(', ')}.` : '';
  if (answer === 'missing') {
    return {
      ...base,
      verdict: 'missing',
      nearest,
      message: `Image ${ref} was not found in its registry.${instead || ' Check the version and the image name.'}`,
    };
  }
  return {
    ...base,
    verdict: 'not-for-platform',
    platforms: answer.platforms,
    nearest,
    message: `${ref} has no image for this machine's platform (${platform}), only for ${answer.platforms.join(', ')}.${instead || ` No nearby tag has ${platform} either.`}`,
  };
}

/** The nearest candidates that exist for the platform (at most 3), asking the registry only about those whose platforms are unknown. */
async function nearestAvailable(docker: DockerRunner, ref: string, options: ImageCheckOptions): Promise<string[]> {
  const { image, tag } = splitImageRef(ref);
  const known = new Map((options.candidates ?? []).map((c) => [c.name, c.architectures] as const));
  const order = byNearness(tag, [...known.keys()], options.versionOf);
  const fits = (archs: readonly string[]) => !options.platform || archs.length === 0 || servesPlatform(archs.map(withOs), options.platform);
  const listed = order.filter((t) => known.get(t) !== undefined);
  if (listed.length > 0) return listed.filter((t) => fits(known.get(t)!)).slice(0, 3);
  const asked = await Promise.all(order.slice(0, ASKED_CANDIDATES).map(async (t) => [t, await ask(docker, imageRef(image, t), options.signal)] as const));
  return asked
    .filter(([, a]) => typeof a === 'object' && 'platforms' in a && fits(a.platforms))
    .map(([t]) => t)
    .slice(0, 3);
}

/** Docker Hub lists architectures alone ("arm64"): as platforms, they are Linux's. */
function withOs(arch: string): string {
  return arch.includes('/') ? arch : `linux/${arch}`;
}

/** The refusal a check gives before a pull: undefined when the pull may go on (available, or could not be checked). */
export function imageRefusal(check: ImageCheck): DockbaseError | undefined {
  return check.verdict === 'missing' || check.verdict === 'not-for-platform' ? new DockbaseError('image-not-found', check.message, 'tag') : undefined;
}
