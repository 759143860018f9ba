import { spawn } from 'node:child_process';
import { NodeHostFiles } from './node-files';
import { nodeEngineReads } from './node-engine';
import { engineIsLocal, nodeWireProbe } from './node-wire';
import {
  LineSplitter,
  type DockerCli,
  type EngineReads,
  type HostFiles,
  type RunOptions,
  type RunResult,
  type StreamHandle,
  type StreamHandlers,
  type WireProbe,
} from './port';

export { NodeHostFiles, type NodeHostFilesOptions } from './node-files';

export interface NodeDockerCliOptions {
  /** The docker binary; `docker` from PATH by default. */
  binary?: string;
  /** Environment for the CLI (DOCKER_HOST etc.); the process environment by default. */
  env?: NodeJS.ProcessEnv;
  /** Observes every invocation (argv without secrets is the caller's business): used by benchmarks. */
  onSpawn?: (args: readonly string[]) => void;
  /**
   * Whether the servers' published ports can be asked on 127.0.0.1 from this process: by default, when the
   * engine is on this machine (engineIsLocal). False for a process with a network of its own, such as the
   * extension's backend in Docker Desktop's VM, whose loopback holds none of them.
   */
  askPorts?: boolean;
}

/** The DockerCli adapter for Node: `child_process.spawn` with an argv array and no shell. */
export class NodeDockerCli implements DockerCli {
  /** `options.env` is added to the child's environment: secrets reach docker without being in its argv. */
  readonly passesEnv = true;
  /** Files move as tar streams on docker's stdin and stdout, through the same binary and environment. */
  readonly files: HostFiles;
  /** Servers' own answers on their published ports, when the engine runs on this machine. */
  readonly wire?: WireProbe;
  /** The engine's API for reads, over the unix socket the CLI uses (node-engine.ts). */
  readonly engine: EngineReads;
  private readonly binary: string;
  private readonly env: NodeJS.ProcessEnv | undefined;
  private readonly onSpawn: ((args: readonly string[]) => void) | undefined;

  constructor(options: NodeDockerCliOptions = {}) {
    this.binary = options.binary ?? 'docker';
    this.env = options.env;
    this.onSpawn = options.onSpawn;
    this.files = new NodeHostFiles({ binary: this.binary, env: this.env });
    if (options.askPorts ?? engineIsLocal(this.env ?? process.env)) this.wire = nodeWireProbe;
    this.engine = nodeEngineReads(this.binary, this.env);
  }

  run(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(abortError());
        return;
      }
      this.onSpawn?.(args);
      const env = options.env ? { ...(this.env ?? process.env), ...options.env } : this.env;
      const child = spawn(this.binary, [...args], { shell: false, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let aborted = false;
      const onAbort = () => {
        aborted = true;
        child.kill('SIGTERM');
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.once('error', (e) => {
        options.signal?.removeEventListener('abort', onAbort);
        reject(e);
      });
      child.once('close', (code, signal) => {
        options.signal?.removeEventListener('abort', onAbort);
        if (aborted) {
          reject(abortError());
          return;
        }
        resolve({
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          code: code ?? (signal ? 128 : 1),
        });
      });
    });
  }

  stream(args: readonly string[], handlers: StreamHandlers): StreamHandle {
    this.onSpawn?.(args);
    const child = spawn(this.binary, [...args], { shell: false, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout = new LineSplitter((line) => handlers.onLine(line, 'stdout'));
    const stderr = new LineSplitter((line) => handlers.onLine(line, 'stderr'));
    child.stdout.setEncoding('utf8').on('data', (s: string) => stdout.push(s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => stderr.push(s));
    const done = new Promise<number>((resolve) => {
      let settled = false;
      const finish = (code: number) => {
        if (settled) return;
        settled = true;
        stdout.flush();
        stderr.flush();
        handlers.onClose?.(code);
        resolve(code);
      };
      child.once('error', (e) => {
        handlers.onLine(`cannot run ${this.binary}: ${e.message}`, 'stderr');
        finish(127);
      });
      child.once('close', (code, signal) => finish(code ?? (signal ? 128 : 1)));
    });
    return {
      cancel: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      },
      done,
    };
  }
}

function abortError(): Error {
  const e = new Error('The docker command was cancelled');
  e.name = 'AbortError';
  return e;
}
