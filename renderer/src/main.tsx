/**
 * The renderer's composition root: builds the store, connects it to the core, starts the router and
 * mounts React. The only place that touches the real browser globals.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { ApiProvider } from './api/api-context.js';
import { connectApp } from './api/connect.js';
import { createAppStore } from './store/create-store.js';
import { StoreProvider } from './store/store-context.js';
import { persistUiPrefs } from './store/ui-prefs.js';
import { startHashRouter } from './router.js';
import './styles.css';

function storageOrNull(kind: 'sessionStorage' | 'localStorage'): Storage | null {
  try {
    return window[kind];
  } catch {
    return null;
  }
}

const store = createAppStore();
persistUiPrefs(store, storageOrNull('localStorage'));
const connection = connectApp(
  {
    bridge: window.hashwatch,
    location: window.location,
    history: window.history,
    storage: storageOrNull('sessionStorage'),
    createSocket: (url) => new WebSocket(url),
  },
  store,
  {
    now: () => Date.now(),
    setInterval: (fn, ms) => window.setInterval(fn, ms),
    clearInterval: (handle) => window.clearInterval(handle as number),
    fetch: (url, init) => window.fetch(url, { ...init, cache: 'no-store', credentials: 'same-origin' }),
  },
);
startHashRouter(store, window);
const api = connection.selection.kind === 'no-host' ? null : connection.selection.api;

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <StoreProvider store={store}>
        <ApiProvider api={api}>
          <App />
        </ApiProvider>
      </StoreProvider>
    </StrictMode>,
  );
}
