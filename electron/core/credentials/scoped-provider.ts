/**
 * The keychain-backed `CredentialProvider`: resolves a miner's password through its scopes.
 *
 * Order: the miner's own MAC, then the most specific address range holding its IPv4 host, then the
 * farm default. Only the list of scope keys is cached (briefly, and dropped on every change made here);
 * passwords are read from the store each time they are needed, since the vnish client caches tokens.
 */
import { HashwatchError } from '../../../shared/errors.js';
import { systemClock, type Clock } from '../clock.js';
import type { CredentialProvider, MinerTarget } from './provider.js';
import { applicableScopes, compareScopes, parseScope, scopeOrThrow, type Scope } from './scope.js';
import type { CredentialStore } from './store.js';

export interface ScopedProviderOptions {
  /** The user setting "try the factory password" (off by default). */
  tryFactoryPassword: () => boolean;
  clock?: Clock;
  /** How long the scope list is trusted before being re-read (another process may edit the keychain). */
  scopeCacheMs?: number;
}

/** A provider that also manages the scopes, so its cache sees every change. */
export interface ScopedCredentials extends CredentialProvider {
  /** Stores a password for a scope key (validated strictly); returns the canonical key. */
  set(scopeKey: string, password: string): Promise<string>;
  /** Removes a scope; true when it existed. Returns the canonical key too. */
  delete(scopeKey: string): Promise<{ scope: string; removed: boolean }>;
  /** Every stored scope, most specific first. */
  scopes(): Promise<Scope[]>;
  /** The scope whose password `passwordFor` would use for this miner, or null. */
  resolveScope(target: MinerTarget): Promise<Scope | null>;
  /** Whether the keychain answers now. */
  status(): Promise<{ available: boolean; message: string }>;
}

export function createScopedProvider(store: CredentialStore, opts: ScopedProviderOptions): ScopedCredentials {
  const clock = opts.clock ?? systemClock;
  const ttlMs = opts.scopeCacheMs ?? 30_000;
  let cache: { at: number; scopes: Scope[] } | null = null;
  let generation = 0;

  const scopes = async (): Promise<Scope[]> => {
    if (cache && clock.now() - cache.at < ttlMs) return cache.scopes;
    const gen = generation;
    const keys = await store.list();
    const parsed = keys
      .map((k) => parseScope(k))
      .filter((s): s is Scope => typeof s !== 'string')
      .sort(compareScopes);
    // A change that landed while we were listing makes this list stale: use it once, do not keep it.
    if (gen === generation) cache = { at: clock.now(), scopes: parsed };
    return parsed;
  };
  const invalidate = () => {
    generation++;
    cache = null;
  };

  const lookup = async (target: MinerTarget): Promise<{ scope: Scope; password: string } | null> => {
    for (const scope of applicableScopes(await scopes(), target)) {
      const password = await store.get(scope.key);
      if (password !== null) return { scope, password };
    }
    return null;
  };

  return {
    async passwordFor(target) {
      try {
        return (await lookup(target))?.password ?? null;
      } catch (e) {
        // Without a keychain the factory password may still be tried if the user allowed it; otherwise
        // the technician must learn that the keychain, not the miner, is the problem.
        if (e instanceof HashwatchError && e.code === 'KeychainUnavailable' && opts.tryFactoryPassword()) {
          return null;
        }
        throw e;
      }
    },
    tryFactoryPassword: () => opts.tryFactoryPassword(),
    async set(scopeKey, password) {
      const scope = scopeOrThrow(scopeKey);
      try {
        await store.set(scope.key, password);
      } finally {
        invalidate();
      }
      return scope.key;
    },
    async delete(scopeKey) {
      const scope = scopeOrThrow(scopeKey);
      try {
        return { scope: scope.key, removed: await store.delete(scope.key) };
      } finally {
        invalidate();
      }
    },
    scopes: async () => [...(await scopes())],
    resolveScope: async (target) => (await lookup(target))?.scope ?? null,
    status: () => store.status(),
  };
}
