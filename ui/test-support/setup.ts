import '@testing-library/jest-dom/vitest';
import { afterEach, vi } from 'vitest';
import { cleanup, configure } from '@testing-library/react';
import { dockerThemes } from '@dockbase/host/docker-themes';
import './unhandled-rejections';

// Docker Desktop injects these theme options; DockerMuiV6ThemeProvider reads them on render.
window.__ddMuiV6Themes = dockerThemes as typeof window.__ddMuiV6Themes;

// jsdom has no matchMedia; MUI's useMediaQuery (light/dark) needs one.
if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    }) as MediaQueryList;
}

// The views load parts of the page when first needed (React.lazy): the first find may wait for a module.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  // The view the user chose is remembered in localStorage: each test starts without a choice.
  window.localStorage.clear();
});
