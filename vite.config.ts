// Builds the renderer (renderer/) to dist/renderer with relative asset URLs, so the same files load
// from Electron's app:// origin, from file://, and from the headless host. No remote URLs, no eval:
// the CSP in renderer/index.html (and shared/csp.ts, sent as a header) forbids both.
//
// Development: `HASHWATCH_HOST=http://127.0.0.1:<port> npx vite` serves the renderer with hot reload and
// proxies /ws to a running `hashwatch serve`; open http://127.0.0.1:5173/?token=<its token>.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/** The dev server's React refresh needs an inline script, which the CSP forbids; production keeps it. */
function relaxCspInDev(): Plugin {
  return {
    name: 'hashwatch-relax-csp-in-dev',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html.replace(
        /<meta\s+http-equiv="Content-Security-Policy"[^>]*>/,
        '<!-- CSP relaxed by the dev server -->',
      ),
  };
}

const devHost = process.env.HASHWATCH_HOST;

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), relaxCspInDev()],
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
  server: {
    host: '127.0.0.1',
    // The host checks that Origin matches Host, so the Host header is passed through unchanged.
    proxy: devHost
      ? { '/ws': { target: devHost.replace(/^http/, 'ws'), ws: true, changeOrigin: false } }
      : undefined,
  },
});
