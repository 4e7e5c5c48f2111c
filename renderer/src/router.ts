/**
 * Keeps the store's current page and the URL hash in step, both ways.
 */
import { hashForPage, pageFromHash } from './pages/page-ids.js';
import type { AppStore } from './store/create-store.js';

/** The part of `window` the router uses. */
export interface RouterWindow {
  location: { hash: string };
  history: { replaceState(data: unknown, unused: string, url?: string | URL | null): void };
  addEventListener(type: 'hashchange', fn: () => void): void;
  removeEventListener(type: 'hashchange', fn: () => void): void;
}

/** Starts following the hash; returns a function that stops it. */
export function startHashRouter(store: AppStore, win: RouterWindow): () => void {
  const fromHash = () => store.getState().setPage(pageFromHash(win.location.hash));
  fromHash();
  win.addEventListener('hashchange', fromHash);
  const unsubscribe = store.subscribe((s, prev) => {
    if (s.page !== prev.page && pageFromHash(win.location.hash) !== s.page) {
      win.location.hash = hashForPage(s.page);
    }
  });
  return () => {
    win.removeEventListener('hashchange', fromHash);
    unsubscribe();
  };
}
