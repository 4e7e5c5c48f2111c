/**
 * Hands the one store to React. Components read it with selectors; nothing in React writes miners.
 */
import { createContext, useContext, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { AppStore } from './create-store.js';
import type { AppState } from './types.js';

const StoreContext = createContext<AppStore | null>(null);

/** Provides the store to the React tree. */
export function StoreProvider({ store, children }: { store: AppStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

/** The store itself, for actions. */
export function useAppStoreApi(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStoreApi outside StoreProvider');
  return store;
}

/** Reads the store through a selector; re-renders only when the selected value changes (Object.is). */
export function useAppStore<T>(selector: (s: AppState) => T): T {
  return useStore(useAppStoreApi(), selector);
}

/**
 * Reads through a memoised selector built once per component instance (factories from selectors.ts),
 * so each table or KPI panel keeps its own cache.
 */
export function useMemoSelector<T>(factory: () => (s: AppState) => T): T {
  const [selector] = useState(factory);
  return useAppStore(selector);
}
