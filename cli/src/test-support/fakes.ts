import { Readable } from 'node:stream';
import type { DockerCli } from '@dockbase/docker-cli';
import type { Io, Output } from '../app';
import type { JobsConfig } from '../jobs';
import { runCli } from '../program';

class Captured implements Output {
  text = '';
  constructor(readonly isTTY = false) {}
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

/**
 * Runs the CLI in-process: stdin from `input` (a pipe), stdout and stderr captured, no terminal. `interrupt`
 * gets a function that presses Ctrl-C. `jobs`: where its jobs are kept (by default in memory, without the lock).
 */
export async function run(
  argv: string[],
  docker: DockerCli,
  options: { stdin?: string; tty?: boolean; interrupt?: (press: () => void) => void; jobs?: JobsConfig } = {},
) {
  const stdout = new Captured(options.tty);
  const stderr = new Captured(options.tty);
  const stdin = Object.assign(Readable.from(options.stdin === undefined ? [] : [options.stdin]), { isTTY: options.tty ?? false });
  const handlers = new Set<() => void>();
  options.interrupt?.(() => [...handlers].forEach((h) => h()));
  const io: Io = {
    stdout,
    stderr,
    stdin,
    onInterrupt: (handler) => {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
  const code = await runCli(argv, io, docker, options.jobs);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** One line of `docker ps --format '{{json .}}'` for a Dockbase instance. */
export function psLine(o: {
  id: string;
  name: string;
  engine?: string;
  tag?: string;
  port?: number;
  state?: string;
  status?: string;
  volumes?: string;
  /** More labels, as docker prints them ("k=v,k=v"). */
  labels?: string;
}): string {
  const engine = o.engine ?? 'redis';
  const port = o.port ?? 6379;
  return JSON.stringify({
    ID: `cid-${o.id}`,
    Names: o.name,
    Image: `${engine}:${o.tag ?? '7.4'}`,
    Labels: `io.dockbase.instance=${o.id},io.dockbase.engine=${engine},io.dockbase.name=${o.name},io.dockbase.tag=${o.tag ?? '7.4'},io.dockbase.port=${port},io.dockbase.bind=127.0.0.1,io.dockbase.volumes=${o.volumes ?? `dockbase-${o.name}-data`}${o.labels ? `,${o.labels}` : ''}`,
    State: o.state ?? 'running',
    Status: o.status ?? 'Up 1 minute (healthy)',
    Ports: `127.0.0.1:${port}->6379/tcp`,
    CreatedAt: '2026-11-25 18:00:00 +0000 UTC',
  });
}
