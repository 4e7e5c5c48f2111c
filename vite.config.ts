// Builds the renderer (renderer/) to dist/renderer with relative asset URLs, so the same files load
// from Electron's app:// origin, from file://, and from the headless host. No remote URLs, no eval:
// the CSP in renderer/index.html (and shared/csp.ts, sent as a header) forbids both.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The modulepreload polyfill is only needed for old browsers; Electron and current Chromium have it.
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
    chunkSizeWarningLimit: 600,
  },
  server: { host: '127.0.0.1' },
});
