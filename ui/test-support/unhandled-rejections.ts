/**
 * Fails the test during which a promise rejection went unhandled: the UI must catch every failure
 * (and show it) instead of letting it escape.
 */
import { afterEach } from 'vitest';

const unhandled: unknown[] = [];
// Captured before any test can install fake timers.
const realSetImmediate = globalThis.setImmediate;

process.on('unhandledRejection', (reason) => {
  unhandled.push(reason);
});

afterEach(async () => {
  // Node reports unhandled rejections after the microtask queue drains: give it that turn.
  await new Promise<void>((resolve) => realSetImmediate(resolve));
  if (unhandled.length === 0) return;
  const reasons = unhandled.splice(0).map((r) => (r instanceof Error ? `${r.name}: ${r.message}` : String(r)));
  throw new Error(`Unhandled promise rejection during the test: ${reasons.join('; ')}`);
});

/** For the guard's own test: rejections seen so far (and forgets them). */
export function takeUnhandledRejections(): unknown[] {
  return unhandled.splice(0);
}
