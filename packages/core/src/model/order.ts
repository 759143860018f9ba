/**
 * The order people read names in: the model's, since the list's rules and the parsers of docker's output
 * (which hand instances over in this order) both use it.
 */
import type { Instance } from './instance';

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Natural order: digits compare as numbers ("m-2" before "m-10"), letters without regard to case. */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

export function compareByName(a: Pick<Instance, 'name'>, b: Pick<Instance, 'name'>): number {
  return naturalCompare(a.name, b.name);
}
