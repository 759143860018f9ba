import net from 'node:net';
import type { WireProbe } from './port';

/**
 * The WireProbe of a process beside the engine: one TCP connection to 127.0.0.1, the question sent, the reply
 * read until it decides. Nothing is kept open.
 */
export const nodeWireProbe: WireProbe = (port, question, options = {}) =>
  new Promise((resolve) => {
    if (options.signal?.aborted) {
      resolve(false);
      return;
    }
    let reply = Buffer.alloc(0);
    let settled = false;
    const socket = net.connect({ host: '127.0.0.1', port });
    const finish = (verdict: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(verdict);
    };
    const onAbort = () => finish(false);
    const timer = setTimeout(() => finish(false), options.timeoutMs ?? 1000);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => socket.write(question.hello));
    socket.on('data', (chunk: Buffer) => {
      reply = Buffer.concat([reply, chunk]);
      const verdict = question.answered(new Uint8Array(reply));
      if (verdict !== undefined) finish(verdict);
    });
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
  });

/**
 * Whether the docker CLI talks to an engine on this machine (its published ports are ours to ask): no
 * DOCKER_HOST or a unix socket, and no other context chosen by the environment.
 */
export function engineIsLocal(env: NodeJS.ProcessEnv): boolean {
  const host = env.DOCKER_HOST;
  return (host === undefined || host === '' || host.startsWith('unix://')) && !env.DOCKER_CONTEXT;
}
