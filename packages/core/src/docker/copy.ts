/**
 * Files between the host and an instance: `docker cp` as a tar stream on docker's standard output or input,
 * which Dockbase itself reads or writes (HostFiles), so docker is never given a host path. A bridge runs them
 * through HostFiles only, each request checked by the command policy's checkSave / checkSend (data-policy.ts)
 * with these readers; they have no shape, so the exec bridge runs no `docker cp` at all.
 */
import { at, containerId, mismatch } from './command-shape';

/**
 * Copies a file out of a container as a tar stream on docker's standard output, which Dockbase reads and
 * writes to the host itself (HostFiles.save): docker is never given a host path.
 */
export function copyOutArgs(containerId: string, containerPath: string): string[] {
  return ['cp', `${containerId}:${containerPath}`, '-'];
}

/** Extracts the tar stream Dockbase writes on docker's standard input (HostFiles.send) into a container's folder. */
export function copyInArgs(containerId: string, containerFolder: string): string[] {
  return ['cp', '-', `${containerId}:${containerFolder}`];
}

/** `<full container id>:<path>`. */
function inContainer(ref: string): [string, string] {
  const colon = ref.indexOf(':');
  return colon > 0 ? [containerId(ref.slice(0, colon)), ref.slice(colon + 1)] : mismatch('not a path in a container');
}

const sameArgv = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((w, i) => w === b[i]);

/** Reads `copyOutArgs` back: the container and the path copied out of it. */
export function readCopyOut(argv: readonly string[]): [string, string] {
  const [id, path] = inContainer(at(argv, 1));
  return sameArgv(argv, copyOutArgs(id, path)) ? [id, path] : mismatch('files come out of an instance as a tar stream');
}

/** Reads `copyInArgs` back: the container and the folder the stream is extracted into. */
export function readCopyIn(argv: readonly string[]): [string, string] {
  const [id, folder] = inContainer(at(argv, 2));
  return sameArgv(argv, copyInArgs(id, folder)) ? [id, folder] : mismatch('files go into an instance as a tar stream');
}
