import { createElement, lazy, type ComponentType } from 'react';

/**
 * Parts of the tab that load when first needed (dialogs, the cards, the sections under the list), made to
 * survive a failed download instead of blanking the whole tab.
 *
 * Why downloads fail here: Chromium drops the connections it has open whenever the machine's network
 * changes, and docker changes it at every container start and stop, so a part requested at that moment
 * fails. The browser then keeps that failure for the module's address (the HTML spec's module map; the
 * change that stops this has not reached every browser), so asking for the same address again fails
 * again without a request. A second try therefore asks for the address the failure names, with a query
 * that makes it new; the files it imports are already loaded and are shared, not loaded twice.
 */

/** The module address a failed dynamic import names (Chromium and Firefox say it; Safari does not). */
export function failedModuleUrl(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const url = /(?:dynamically imported module|module script failed)[^:]*:\s*(\S+)/i.exec(message)?.[1];
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' || parsed.protocol === 'file:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** How long before the second try: long enough for a network change to settle. */
export const RETRY_AFTER_MS = 250;

const failed = new Set<() => void>();

/** Lets every part whose loading failed try again when next shown (the error boundary's "Try again"). */
export function retryFailedParts(): void {
  for (const reset of [...failed]) reset();
  failed.clear();
}

/**
 * A part loaded on first use: `load` imports its module, `pick` takes the component from it. A failed
 * download is tried once more (at a fresh address, see above) before the part fails; a failed part is
 * shown by the nearest PartBoundary and tried again from scratch by retryFailedParts.
 */
export function lazyPart<M, P extends object>(load: () => Promise<M>, pick: (module: M) => ComponentType<P>): ComponentType<P> {
  const loadTryingTwice = async (): Promise<{ default: ComponentType<P> }> => {
    try {
      return { default: pick(await load()) };
    } catch (first) {
      await new Promise((r) => setTimeout(r, RETRY_AFTER_MS));
      try {
        const url = failedModuleUrl(first);
        const again = url ? ((await import(/* @vite-ignore */ `${url}${url.includes('?') ? '&' : '?'}retry=${Date.now()}`)) as M) : await load();
        return { default: pick(again) };
      } catch (second) {
        failed.add(reset);
        throw second;
      }
    }
  };
  let current: ComponentType<P> = lazy(loadTryingTwice) as unknown as ComponentType<P>;
  function reset() {
    current = lazy(loadTryingTwice) as unknown as ComponentType<P>;
  }
  function LazyPart(props: P) {
    return createElement(current, props);
  }
  return LazyPart;
}
