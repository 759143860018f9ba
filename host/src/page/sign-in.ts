import { LOGIN_PATH, PAGE_PATH, SESSION_PATH, TOKEN_HEADER, TOKEN_STORAGE_KEY, type SessionResponse } from '../protocol';

/**
 * The sign-in page's part of the page script (the host serves that page for `/` and the login link):
 *
 * 1. On the login link (`/login?code=…`) the code leaves the address bar and the tab's history at once, and is
 *    exchanged for the per-run token by a same-origin POST to SESSION_PATH. The token goes to sessionStorage,
 *    which the browser keeps per origin (so per port) and per tab, and which survives a reload.
 * 2. With a token (just received, or from an earlier visit in this tab), the app's HTML comes from PAGE_PATH
 *    and replaces this document; the page script runs again in it and installs `window.ddClient`.
 * 3. Without one, the page's text (how to get a login link) stays, or says what went wrong.
 */

export type SignInOutcome = 'app' | 'signed-out' | 'link-invalid' | 'expired' | 'failed';

export interface SignInDeps {
  /** The page's address. */
  href: string;
  /** `history.replaceState` to `url`, without navigating. */
  replaceUrl(url: string): void;
  fetch: typeof fetch;
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** Puts a message in place of the sign-in page's text; `code` in backquotes. */
  show(title: string, text: string): void;
  /** Replaces the whole document with this HTML. */
  writeDocument(html: string): void | Promise<void>;
}

export const MESSAGES = {
  loading: ['Dockbase', 'Loading…'],
  linkInvalid: [
    'This login link is not valid',
    'This login link is wrong or has been used already: each link printed by `npx dockbase` (or `npm start`) works only once. ' +
      'Press Enter in the terminal where it runs for a new link.',
  ],
  expired: [
    'Signed out',
    'The Dockbase host no longer accepts this tab’s sign-in (it was restarted). Open the login link it printed, ' +
      'or press Enter in the terminal where `npx dockbase` (or `npm start`) runs for a new one.',
  ],
  failed: ['Dockbase could not load', 'The Dockbase host did not answer as expected ({reason}). Is `npx dockbase` (or `npm start`) still running?'],
} as const;

export async function signIn(deps: SignInDeps): Promise<SignInOutcome> {
  const url = new URL(deps.href);
  const onLoginLink = url.pathname === LOGIN_PATH;
  const code = onLoginLink ? url.searchParams.get('code') : null;
  if (onLoginLink) deps.replaceUrl('/');
  let token = deps.storage.getItem(TOKEN_STORAGE_KEY);
  try {
    if (code) {
      const answer = await deps.fetch(SESSION_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
        cache: 'no-store',
      });
      if (answer.ok) {
        token = ((await answer.json()) as SessionResponse).token;
        deps.storage.setItem(TOKEN_STORAGE_KEY, token);
      } else if (!token) {
        // (With a token, this tab is signed in already: an old link opened again changes nothing.)
        deps.show(...MESSAGES.linkInvalid);
        return 'link-invalid';
      }
    }
    if (!token) return 'signed-out';
    deps.show(...MESSAGES.loading);
    const page = await deps.fetch(PAGE_PATH, { headers: { [TOKEN_HEADER]: token }, cache: 'no-store' });
    if (page.status === 401) {
      deps.storage.removeItem(TOKEN_STORAGE_KEY);
      deps.show(...MESSAGES.expired);
      return 'expired';
    }
    if (!page.ok) throw new Error(`HTTP ${page.status}`);
    await deps.writeDocument(await page.text());
    return 'app';
  } catch (e) {
    deps.show(MESSAGES.failed[0], MESSAGES.failed[1].replace('{reason}', e instanceof Error ? e.message : String(e)));
    return 'failed';
  }
}
