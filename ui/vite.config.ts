import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Docker Desktop loads the build from the extension image's /ui folder (metadata.json → ui.dashboard-tab),
// so every asset URL must be relative. The dev server's fixed port is what `make dev-ui-source` points at.
export default defineConfig({
  plugins: [react()],
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
