/**
 * Hands the contract client to the pages that make calls (scan, credentials, history).
 *
 * Null when the page has no host to talk to (opened from a file) and in server-side render tests;
 * pages then show their forms disabled instead of failing.
 */
import { createContext, useContext, type ReactNode } from 'react';
import type { HashwatchApi } from '../../../shared/contract.js';

const ApiContext = createContext<HashwatchApi | null>(null);

/** Provides the api to the React tree. */
export function ApiProvider({ api, children }: { api: HashwatchApi | null; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

/** The api, or null when there is none. */
export function useApi(): HashwatchApi | null {
  return useContext(ApiContext);
}
