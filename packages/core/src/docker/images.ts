/**
 * Images: `pull`, `image inspect` (is it here, what labels it gives its containers) and `image ls` (the local
 * versions of a repository), with their readers and shapes and the parsers of what they print.
 */
import { at, imageId, mismatch, params, shape, type CommandShape } from './command-shape';
import { JSON_FORMAT, stringRecord } from './output';
import { imageRef } from '../model/instance';
import { validateImage, validateTag } from '../model/validation';

export function imageExistsArgs(ref: string): string[] {
  return ['image', 'inspect', '--format', '{{.Id}}', ref];
}

/** The engine API's path for the same question (200: here, 404: not); undefined for a reference it cannot carry as it is. */
export function imagePath(ref: string): string | undefined {
  return /^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/.test(ref) ? `/images/${ref}/json` : undefined;
}

/** The labels an image gives its containers (to tell them from the container’s own, see isOwnInstance). */
export function imageLabelsArgs(id: string): string[] {
  return ['image', 'inspect', '--format', '{{json .Config.Labels}}', id];
}

export function pullArgs(ref: string): string[] {
  return ['pull', ref];
}

/**
 * What the registry holds for an image reference, per platform, without pulling it (the docker CLI asks the
 * registry itself). A registry on this machine (127.0.0.1, localhost) is asked over plain HTTP as the engine
 * itself does by default; any other only over TLS.
 */
export function manifestInspectArgs(ref: string): string[] {
  return ['manifest', 'inspect', ...(isLoopbackRegistry(ref) ? ['--insecure'] : []), '--verbose', ref];
}

/** Whether an image reference names a registry on this machine (the engine's default insecure range). */
export function isLoopbackRegistry(ref: string): boolean {
  const first = ref.split('/')[0] ?? '';
  return ref.includes('/') && /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/.test(first);
}

/** The platforms `manifest inspect --verbose` lists ("linux/amd64", "linux/arm64/v8"); attestations left out. */
export function parseManifestPlatforms(stdout: string): string[] {
  const json: unknown = JSON.parse(stdout.trim() || 'null');
  const entries = Array.isArray(json) ? json : [json];
  const out = new Set<string>();
  for (const entry of entries) {
    const platform = (entry as { Descriptor?: { platform?: { os?: unknown; architecture?: unknown; variant?: unknown } } } | null)?.Descriptor?.platform;
    if (!platform || typeof platform.os !== 'string' || typeof platform.architecture !== 'string' || platform.os === 'unknown') continue;
    out.add([platform.os, platform.architecture, ...(typeof platform.variant === 'string' && platform.variant ? [platform.variant] : [])].join('/'));
  }
  return [...out].sort();
}

/** The tags of an image repository present on this engine. */
export function localImagesArgs(image: string): string[] {
  return ['image', 'ls', '--format', JSON_FORMAT, image];
}

/** Splits an image reference into repository and tag ("host:5000/a/b:7" → ["host:5000/a/b", "7"]). */
export function splitImageRef(ref: string): { image: string; tag: string } {
  const noDigest = ref.split('@')[0] ?? ref;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  if (colon > slash) return { image: noDigest.slice(0, colon), tag: noDigest.slice(colon + 1) };
  return { image: noDigest, tag: 'latest' };
}

/** `docker image inspect --format '{{json .Config.Labels}}'`: an object, or `null` for an image without labels. */
export function parseImageLabels(stdout: string): Record<string, string> {
  return stringRecord(JSON.parse(stdout.trim() || 'null'));
}

// ---- readers and shapes ---------------------------------------------------------------------------------

/** An image reference as create, pull and helpers use it: a valid repository and an explicit tag. */
export function imageReference(ref: string): string {
  const { image, tag } = splitImageRef(ref);
  if (image === '' || validateImage(image) !== undefined || validateTag(tag) !== undefined || imageRef(image, tag) !== ref) {
    mismatch('not an image reference Dockbase uses');
  }
  return ref;
}

/** An image repository without a tag, as the image field takes it. */
function imageRepository(value: string): string {
  return value !== '' && validateImage(value) === undefined ? value : mismatch('not an image repository');
}

export const IMAGE_SHAPES: readonly CommandShape[] = [
  shape({ name: 'look for an image', words: ['image', 'inspect'], build: imageExistsArgs, read: (a) => params(imageReference(at(a, 4))) }),
  shape({ name: 'read an image’s labels', words: ['image', 'inspect'], build: imageLabelsArgs, read: (a) => params(imageId(at(a, 4))) }),
  shape({ name: 'pull an image', words: ['pull'], build: pullArgs, read: (a) => params(imageReference(at(a, 1))) }),
  shape({
    name: 'ask a registry which platforms an image has',
    words: ['manifest', 'inspect'],
    build: manifestInspectArgs,
    read: (a) => params(imageReference(at(a, a.length - 1))),
  }),
  shape({ name: 'list an image’s local versions', words: ['image', 'ls'], build: localImagesArgs, read: (a) => params(imageRepository(at(a, 4))) }),
];
