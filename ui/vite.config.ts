import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * index.html carries the Content-Security-Policy of the build Docker Desktop loads. The dev server needs an
 * inline script (React refresh's preamble) and a websocket, so `npm run dev` serves the page without it.
 */
const withoutCspInDev: Plugin = {
  name: 'dockbase-without-csp-in-dev',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace(/\s*<meta\s+http-equiv="Content-Security-Policy"[^>]*>/, ''),
};

// Docker Desktop loads the build from the extension image's /ui folder (metadata.json → ui.dashboard-tab),
// so every asset URL must be relative. The dev server's fixed port is what `make dev-ui-source` points at.
export default defineConfig({
  plugins: [react(), withoutCspInDev],
  base: './',
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 1024,
  },
  server: {
    port: 3000,
    strictPort: true,
    host: '127.0.0.1',
  },
});
