import { CONFIG_ELEMENT_ID, type HostConfig } from '../protocol';
import { createDdClient } from './dd-client';
import { dockerThemes } from './docker-themes';
import { createDomToaster } from './toast';

/**
 * The page script of the standalone host, served as a classic script in <head> so that it runs before the
 * UI's module script: it installs `window.ddClient` and `window.__ddMuiV6Themes`, which Docker Desktop
 * would otherwise inject. The host hands over its configuration (with the bridge token) in a JSON element,
 * which is removed once read.
 */
const element = document.getElementById(CONFIG_ELEMENT_ID);
if (!element?.textContent) {
  console.error('Dockbase standalone host: the page configuration is missing; open the link printed by `npm start`.');
} else {
  const config = JSON.parse(element.textContent) as HostConfig;
  element.remove();
  const target = window as unknown as Record<string, unknown>;
  target.__ddMuiV6Themes = dockerThemes;
  target.ddClient = createDdClient(config, {
    fetch: (input, init) => window.fetch(input, init),
    toast: createDomToaster(document),
    openWindow: (url) => {
      window.open(url, '_blank', 'noopener,noreferrer');
    },
  });
}
