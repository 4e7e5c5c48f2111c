/**
 * The keychain-backed `CredentialProvider`: resolves a miner's password through its scopes.
 *
 * Order: the miner's own MAC, then the most specific address range holding its IPv4 host, then the
 * farm default. The list of scope keys is cached briefly and passwords for a few seconds (a farm that
 * unlocks at once reads each scope once); both are dropped on every change made through here.
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
  /** How long a password read from the store is reused (a few seconds: enough for a burst of unlocks). */
  passwordCacheMs?: number;
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

  // Concurrent callers (a whole farm unlocking after a restart) share one keychain read.
  let listing: { gen: number; promise: Promise<Scope[]> } | null = null;
  const scopes = async (): Promise<Scope[]> => {
    if (cache && clock.now() - cache.at < ttlMs) return cache.scopes;
    if (listing && listing.gen === generation) return listing.promise;
    const gen = generation;
    const promise = store.list().then((keys) => {
      const parsed = keys
        .map((k) => parseScope(k))
        .filter((s): s is Scope => typeof s !== 'string')
        .sort(compareScopes);
      // A change that landed while we were listing makes this list stale: use it once, do not keep it.
      if (gen === generation) cache = { at: clock.now(), scopes: parsed };
      return parsed;
    });
    listing = { gen, promise };
    try {
      return await promise;
    } finally {
      if (listing?.promise === promise) listing = null;
    }
  };

  // Passwords are kept for a few seconds only, so a farm-wide unlock reads each scope once, not once
  // per miner; every change made here drops them at once.
  const passwordTtlMs = opts.passwordCacheMs ?? 5_000;
  const passwords = new Map<string, { at: number; gen: number; value: Promise<string | null> }>();
  const passwordOf = (key: string): Promise<string | null> => {
    const hit = passwords.get(key);
    if (hit && hit.gen === generation && clock.now() - hit.at < passwordTtlMs) return hit.value;
    const value = store.get(key);
    const entry = { at: clock.now(), gen: generation, value };
    passwords.set(key, entry);
    // A failed read is not remembered.
    value.catch(() => {
      if (passwords.get(key) === entry) passwords.delete(key);
    });
    return value;
  };

  const invalidate = () => {
    generation++;
    cache = null;
    passwords.clear();
  };

  const lookup = async (target: MinerTarget): Promise<{ scope: Scope; password: string } | null> => {
    for (const scope of applicableScopes(await scopes(), target)) {
      const password = await passwordOf(scope.key);
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
