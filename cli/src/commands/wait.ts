import type { Instance } from '@dockbase/core';
import type { CliApp } from '../app';
import { Progress } from '../output';

/** Waits (Ctrl-C stops waiting) until the server accepts connections, then reads the instance again. */
export async function waitUntilReady(app: CliApp, instance: Instance): Promise<Instance> {
  const dockbase = app.dockbase();
  const progress = new Progress(app.io.stderr);
  progress.update(`Waiting for ${instance.name} to accept connections…`);
  try {
    await app.interruptible((signal) => dockbase.readiness.waitUntilReady(instance, { signal }));
  } finally {
    progress.done();
  }
  return dockbase.lifecycle.get(instance.id);
}
