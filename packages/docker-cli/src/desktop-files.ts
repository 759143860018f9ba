import { HostFileError, type HostFiles, type RunOptions, type RunResult } from './port';

/**
 * HostFiles inside Docker Desktop itself, which offers an extension's page no way to write or read a file of
 * the user's computer: docker writes and reads it there, `docker cp CONTAINER:TEMP PATH` to the name
 * Dockbase chose in the folder the user picked in Docker Desktop's own dialog, and `docker cp PATH
 * CONTAINER:…` from the file picked there. Unlike the standalone host and the CLI (NodeHostFiles), this
 * cannot refuse a name that another local user made a link at; Docker Desktop's bridge runs any docker
 * command for any extension anyway, so it is no boundary (README, Security).
 */
export class DesktopHostFiles implements HostFiles {
  constructor(private readonly run: (args: readonly string[], options?: RunOptions) => Promise<RunResult>) {}

  async save(args: readonly string[], to: { directory: string; stem: string; extension: string }, options: { signal?: AbortSignal } = {}) {
    const [cp, source, dash] = args;
    if (cp !== 'cp' || source === undefined || dash !== '-' || args.length !== 3) throw new HostFileError('docker', 'not a copy out of a container');
    const path = joinHostPath(to.directory, `${to.stem}${to.extension}`);
    await this.docker(['cp', source, path], options.signal);
    return { path, sizeBytes: 0 };
  }

  async send(args: readonly string[], from: { path: string; name: string }, options: { signal?: AbortSignal } = {}) {
    const [cp, dash, target] = args;
    if (cp !== 'cp' || dash !== '-' || target === undefined || args.length !== 3) throw new HostFileError('docker', 'not a copy into a container');
    await this.docker(['cp', from.path, `${target}/${from.name}`], options.signal);
    return { sizeBytes: 0 };
  }

  private async docker(args: string[], signal: AbortSignal | undefined): Promise<void> {
    let r: RunResult;
    try {
      r = await this.run(args, signal ? { signal } : {});
    } catch (e) {
      if (signal?.aborted) throw new HostFileError('cancelled', 'cancelled');
      throw new HostFileError('docker', e instanceof Error ? e.message : String(e));
    }
    if (r.code !== 0) throw new HostFileError('docker', r.stderr.trim() || `docker cp ended with code ${r.code}`);
  }
}

/** A file name inside a folder of the user's computer, with the folder's own separator (Windows or POSIX). */
export function joinHostPath(directory: string, fileName: string): string {
  const sep = directory.includes('\\') && !directory.includes('/') ? '\\' : '/';
  return directory.endsWith('/') || directory.endsWith('\\') ? `${directory}${fileName}` : `${directory}${sep}${fileName}`;
}
