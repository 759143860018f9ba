/**
 * How a use case reaches the DockerCli's HostFiles (files between this computer and a container), and what
 * the user reads when a copy fails.
 */
import { isHostFileError, type HostFiles } from '@dockbase/docker-cli';
import { DockbaseError, cancelled, stderrExcerpt } from '../model/errors';
import type { DockerRunner } from './runner';

/** How this door moves files between the host and a container; a DockerCli without one cannot. */
export function hostFilesOf(docker: DockerRunner): HostFiles {
  const files = docker.cli.files;
  if (!files) throw new DockbaseError('invalid-input', 'This front door cannot copy files between this computer and a container.');
  return files;
}

/** A HostFiles failure as the user reads it: "Could not <what>: <why>" (isHostFileError: maybe from another bundle). */
export function fileError(what: string, field?: string): (e: unknown) => never {
  return (e) => {
    if (!isHostFileError(e)) throw e;
    if (e.code === 'cancelled') throw cancelled(`Cancelled; ${what.startsWith('save') ? 'no file was written' : 'nothing was copied'}.`);
    throw new DockbaseError(e.code === 'unreadable' ? 'bad-file' : 'command-failed', `Could not ${what}: ${stderrExcerpt(e.message)}`, field);
  };
}
