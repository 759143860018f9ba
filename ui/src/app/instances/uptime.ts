import { useSyncExternalStore } from 'react';
import { uptimeOf, type Instance } from '@dockbase/core';

/**
 * The table's Uptime column, counted on between two lists. Docker says how long a container has been up in
 * words ("Up 3 minutes") and only when asked (`docker ps`, at each event), so the words are read back as the
 * least time they stand for, at the time the list was read, and counted on from there by ONE clock for the
 * whole table: each row re-renders only when its own words change.
 */

/** How often the shared clock ticks (docker counts seconds in its first minute). */
export const UPTIME_TICK_MS = 1000;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The least time docker's words for a duration stand for; undefined for words docker does not write. */
export function parseDockerDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'less than a second') return 0;
  if (t === 'about a minute') return MINUTE;
  if (t === 'about an hour') return HOUR;
  const m = /^(\d+) (second|minute|hour|day|week|month|year)s?$/.exec(t);
  if (!m) return undefined;
  const n = Number(m[1]);
  switch (m[2]) {
    case 'second':
      return n * SECOND;
    case 'minute':
      return n * MINUTE;
    case 'hour':
      // Docker rounds hours (and floors every other unit): "2 hours" is from an hour and a half on.
      return (n - 0.5) * HOUR;
    case 'day':
      return n * DAY;
    case 'week':
      return n * 7 * DAY;
    case 'month':
      return n * 30 * DAY;
    default:
      return n * 365 * DAY;
  }
}

/** A duration in docker's own words, as `docker ps` says it ("2 seconds", "About a minute", "3 hours"). */
export function dockerDuration(ms: number): string {
  const seconds = Math.floor(ms / SECOND);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / MINUTE);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / HOUR);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(hours / 24 / 365)} years`;
}

/**
 * How long the instance has been up at `at`, from docker's words at `listedAt` (when the list was read);
 * docker's words as they are when they cannot be read back, undefined when it is not up.
 */
export function uptimeAt(instance: Pick<Instance, 'status' | 'statusText'>, listedAt: number, at: number): string | undefined {
  const text = uptimeOf(instance);
  if (text === undefined) return undefined;
  const up = parseDockerDuration(text);
  return up === undefined ? text : dockerDuration(up + Math.max(0, at - listedAt));
}

// The one clock: it runs while some row shows an uptime, and stops with the last one.
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;
let now = Date.now();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of [...listeners]) l();
    }, UPTIME_TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The instance's uptime, counted on from the list read at `listedAt` (ms since the epoch) by the shared clock. */
export function useUptime(instance: Pick<Instance, 'status' | 'statusText'>, listedAt: number): string | undefined {
  // Never before the list itself: the clock may have last ticked before it was read.
  return useSyncExternalStore(uptimeOf(instance) === undefined ? notTicking : subscribe, () => uptimeAt(instance, listedAt, Math.max(now, listedAt)));
}

/** A row with no uptime (not up) does not keep the clock going. */
const notTicking = () => () => undefined;
