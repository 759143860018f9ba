import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type FocusEvent } from 'react';

/**
 * Windowing for a list that scrolls with the page (the tab's own scroll, as in Docker Desktop): only the
 * items on screen are rendered, with a few more on either side, and empty space stands for the others
 * (`gapBefore`, `gapAfter`), so a thousand instances cost what a screenful does. The space an item takes
 * is measured once it is drawn (and again when it changes: a row's details opened, a card's failure shown);
 * until then it is guessed from the items measured so far (`estimate` before any). Some items stay rendered
 * wherever the page is scrolled (`pinned`): the one holding the keyboard focus, and opened details whose
 * drafts must not be thrown away.
 */

/** How many items are rendered beyond each edge of the window: Tab from the last one on screen finds the next. */
const OVERSCAN = 3;
/** How many more than that may stay rendered before the range is cut down to size. */
const SLACK = 10;

export interface WindowedItem {
  index: number;
  key: string;
  /** Space (px) that the items not rendered between the previous rendered item (or the list's start) and this one take. */
  gapBefore: number;
}

export interface WindowedList {
  items: readonly WindowedItem[];
  /** Space (px) that the items not rendered after the last rendered one take. */
  gapAfter: number;
  /** For the element whose top is where the list starts. */
  containerRef(element: HTMLElement | null): void;
  /** For each rendered item's outermost element (its size is what the item takes). */
  measureRef(key: string): (element: HTMLElement | null) => void;
  /** For the list's container: the item that last held the focus stays rendered (and so does the focus). */
  onFocus(event: FocusEvent<HTMLElement>): void;
}

/** The attribute each item's element carries (its key): the focus handlers find the item by it. */
export const ITEM_KEY_ATTRIBUTE = 'data-window-key';

interface Range {
  start: number;
  end: number;
}

export function useWindowedList(keys: readonly string[], options: { estimate: number; pinned?: ReadonlySet<string> }): WindowedList {
  const { estimate, pinned } = options;
  const container = useRef<HTMLElement | null>(null);
  const sizes = useRef(new Map<string, number>());
  const [sizesVersion, setSizesVersion] = useState(0);
  const [focused, setFocused] = useState<string | undefined>();

  // Where each item starts (px from the list's start), measured sizes first, the average of those for the rest.
  const offsets = useMemo(() => {
    let measured = 0;
    let total = 0;
    for (const size of sizes.current.values()) {
      measured++;
      total += size;
    }
    const guess = measured > 0 ? total / measured : estimate;
    const out = new Float64Array(keys.length + 1);
    for (let i = 0; i < keys.length; i++) out[i + 1] = (out[i] as number) + (sizes.current.get(keys[i] as string) ?? guess);
    return out;
    // sizesVersion: the sizes map changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [keys, estimate, sizesVersion]);

  // The first render guesses the list starts at the window's top, scrolled to the start; the layout effect below corrects it before it is drawn.
  const [range, setRange] = useState<Range>(() => rangeFor(offsets, 0, windowHeight()));
  const latest = useRef({ offsets, range });
  latest.current = { offsets, range };

  const update = useCallback(() => {
    const el = container.current;
    if (!el) return;
    const top = -el.getBoundingClientRect().top;
    const next = rangeFor(latest.current.offsets, top, top + windowHeight());
    const { range: now } = latest.current;
    // Rows already rendered beyond the window's edges (a first guess, a few more than needed) stay: no
    // render, no layout again for nothing.
    const covers = now.start <= next.start && now.end >= next.end && next.start - now.start <= SLACK && now.end - next.end <= SLACK;
    if (!covers) setRange(next);
  }, []);

  // After every render: the sizes or the list may have changed which items are on screen.
  useLayoutEffect(update);

  useEffect(() => {
    window.addEventListener('scroll', update, { passive: true });
    window.addEventListener('resize', update, { passive: true });
    return () => {
      window.removeEventListener('scroll', update);
      window.removeEventListener('resize', update);
    };
  }, [update]);

  // One observer for every rendered item: a change of size re-renders once for all the items that changed.
  const elements = useRef(new Map<string, HTMLElement>());
  const observer = useMemo(() => {
    if (typeof ResizeObserver === 'undefined') return undefined;
    return new ResizeObserver((entries) => {
      let changed = false;
      for (const entry of entries) {
        const key = (entry.target as HTMLElement).getAttribute(ITEM_KEY_ATTRIBUTE);
        // A size of nothing is an item not laid out (yet): it keeps its guess.
        const size = entry.borderBoxSize?.[0]?.blockSize || (entry.target as HTMLElement).getBoundingClientRect().height;
        if (key === null || !(size > 0)) continue;
        if (Math.abs((sizes.current.get(key) ?? -1) - size) >= 0.5) {
          sizes.current.set(key, size);
          changed = true;
        }
      }
      if (changed) setSizesVersion((v) => v + 1);
    });
  }, []);
  useEffect(() => () => observer?.disconnect(), [observer]);

  const refs = useRef(new Map<string, (element: HTMLElement | null) => void>());
  const measureRef = useCallback(
    (key: string) => {
      let ref = refs.current.get(key);
      if (!ref) {
        ref = (element: HTMLElement | null) => {
          const before = elements.current.get(key);
          if (before && before !== element) {
            observer?.unobserve(before);
            elements.current.delete(key);
          }
          if (element) {
            element.setAttribute(ITEM_KEY_ATTRIBUTE, key);
            elements.current.set(key, element);
            observer?.observe(element);
          } else {
            refs.current.delete(key);
          }
        };
        refs.current.set(key, ref);
      }
      return ref;
    },
    [observer],
  );

  const containerRef = useCallback((element: HTMLElement | null) => {
    container.current = element;
  }, []);

  // Kept when the focus leaves the list (to a menu or a dialog the item opened, rendered elsewhere in the
  // page): the focus comes back to it when they close.
  const onFocus = useCallback((event: FocusEvent<HTMLElement>) => {
    const key = (event.target as Element).closest?.(`[${ITEM_KEY_ATTRIBUTE}]`)?.getAttribute(ITEM_KEY_ATTRIBUTE);
    if (key) setFocused(key);
  }, []);

  const items = useMemo(() => {
    const count = keys.length;
    const start = Math.min(range.start, count);
    const end = Math.min(range.end, count);
    const indexes = new Set<number>();
    for (let i = start; i < end; i++) indexes.add(i);
    const keep = new Set(pinned);
    if (focused !== undefined) keep.add(focused);
    if (keep.size > 0) keys.forEach((k, i) => keep.has(k) && indexes.add(i));
    const sorted = [...indexes].sort((a, b) => a - b);
    let edge = 0;
    return sorted.map((index) => {
      const item = { index, key: keys[index] as string, gapBefore: (offsets[index] as number) - edge };
      edge = offsets[index + 1] as number;
      return item;
    });
  }, [keys, range, offsets, pinned, focused]);
  const last = items[items.length - 1];
  const gapAfter = (offsets[keys.length] as number) - (last ? (offsets[last.index + 1] as number) : 0);

  return { items, gapAfter, containerRef, measureRef, onFocus };
}

function windowHeight(): number {
  return typeof window === 'undefined' ? 0 : window.innerHeight;
}

/** The items [start, end) that meet the window [top, bottom) (px from the list's start), with OVERSCAN more each side. */
export function rangeFor(offsets: Float64Array, top: number, bottom: number): Range {
  const count = offsets.length - 1;
  // The first item that ends below the window's top, then the first that starts below its bottom.
  const first = search(offsets, top, count);
  let end = first;
  while (end < count && (offsets[end] as number) < bottom) end++;
  return { start: Math.max(0, first - OVERSCAN), end: Math.min(count, Math.max(end, first + 1) + OVERSCAN) };
}

/** The least i in [0, count) whose item ends after `y` (count when none does). */
function search(offsets: Float64Array, y: number, count: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((offsets[mid + 1] as number) > y) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
