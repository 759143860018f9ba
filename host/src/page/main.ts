import { CONFIG_ELEMENT_ID, SIGN_IN_ELEMENT_ID, TOKEN_STORAGE_KEY, type PageConfig } from '../protocol';
import { createDdClient } from './dd-client';
import { dockerThemes } from './docker-themes';
import { signIn } from './sign-in';
import { createDomToaster } from './toast';

/**
 * The page script of the standalone host, a classic script in <head>. It runs in two documents:
 *
 * - the sign-in page (no configuration element): signs in and replaces the document with the app's HTML
 *   (sign-in.ts);
 * - the app's HTML, where it runs before the UI's module script: installs `window.ddClient` and
 *   `window.__ddMuiV6Themes`, which Docker Desktop would otherwise inject. The configuration comes in a JSON
 *   element (removed once read), the bridge token from this tab's sessionStorage: never from the HTML.
 */
const element = document.getElementById(CONFIG_ELEMENT_ID);
const parsed = new Promise<void>((resolve) => {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => resolve(), { once: true });
  else resolve();
});

if (element) {
  const config = JSON.parse(element.textContent ?? '{}') as PageConfig;
  element.remove();
  const token = readToken();
  if (!token) {
    console.error('Dockbase standalone host: this tab is not signed in; open the login link printed by `npx dockbase` (or `npm start`).');
  } else {
    const target = window as unknown as Record<string, unknown>;
    target.__ddMuiV6Themes = dockerThemes;
    target.ddClient = createDdClient(
      { ...config, token },
      {
        fetch: (input, init) => window.fetch(input, init),
        toast: createDomToaster(document),
        openWindow: (url) => {
          window.open(url, '_blank', 'noopener,noreferrer');
        },
      },
    );
  }
} else {
  let storage: Storage | undefined;
  try {
    storage = window.sessionStorage;
  } catch {
    storage = undefined;
  }
  if (!storage) {
    void parsed.then(() => show('Dockbase cannot sign in', 'This browser does not let the page use sessionStorage, where the sign-in is kept.'));
  } else {
    void signIn({
      href: location.href,
      replaceUrl: (url) => history.replaceState(null, '', url),
      fetch: (input, init) => window.fetch(input, init),
      storage,
      show: (title, text) => void parsed.then(() => show(title, text)),
      writeDocument: async (html) => {
        await parsed;
        document.open();
        document.write(html);
        document.close();
      },
    });
  }
}

function readToken(): string | null {
  try {
    return window.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Replaces the sign-in page's text (text only; `code` in backquotes becomes <code>). */
function show(title: string, text: string) {
  const main = document.getElementById(SIGN_IN_ELEMENT_ID);
  if (!main) return;
  const h1 = document.createElement('h1');
  h1.textContent = title;
  const p = document.createElement('p');
  text.split('`').forEach((part, i) => {
    if (i % 2 === 1) p.appendChild(document.createElement('code')).textContent = part;
    else p.appendChild(document.createTextNode(part));
  });
  main.replaceChildren(h1, p);
  document.title = title;
}
