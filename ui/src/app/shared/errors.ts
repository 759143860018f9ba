import { isDockbaseError } from '@dockbase/core';

/** The sentence to show for any failure: the core's messages are written for users already. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error && e.message) return e.message;
  if (e && typeof e === 'object' && 'message' in e && typeof (e as { message: unknown }).message === 'string') {
    return (e as { message: string }).message;
  }
  return 'Something went wrong.';
}

/** A user's own cancel is not an error worth reporting. */
export function isCancelled(e: unknown): boolean {
  return isDockbaseError(e, 'cancelled');
}
