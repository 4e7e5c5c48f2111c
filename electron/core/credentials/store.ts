/**
 * Where miner passwords are kept: an interface with a keychain implementation (keytar-store.ts) and an
 * in-memory one for tests.
 *
 * Keys are scope keys (see scope.ts); `list` returns keys only. Implementations never fall back to a
 * file or database: when the keychain is unavailable they throw `KeychainUnavailable`.
 */
import { HashwatchError } from '../../../shared/errors.js';
import { parseScope } from './scope.js';

export interface CredentialStore {
  /** The password stored under a scope key, or null. */
  get(scopeKey: string): Promise<string | null>;
  /** Store (or replace) the password of a scope key. */
  set(scopeKey: string, password: string): Promise<void>;
  /** Remove a scope key; true when something was removed. */
  delete(scopeKey: string): Promise<boolean>;
  /** Every stored scope key (never the passwords). */
  list(): Promise<string[]>;
  /** Whether a keychain answers now; the message says what to install or unlock when not. */
  status(): Promise<{ available: boolean; message: string }>;
}

/** A credential store that lives only in this process's memory (tests and demos). */
export function createMemoryCredentialStore(initial: Record<string, string> = {}): CredentialStore & {
  /** Test hook: how many writes reached the store. */
  writes(): number;
} {
  const data = new Map<string, string>();
  let writes = 0;
  const checkKey = (key: string) => {
    const scope = parseScope(key);
    if (typeof scope === 'string' || scope.key !== key) {
      throw new HashwatchError('ValidationError', 'Invalid scope key');
    }
  };
  for (const [k, v] of Object.entries(initial)) {
    checkKey(k);
    data.set(k, v);
  }
  return {
    get: async (key) => data.get(key) ?? null,
    async set(key, password) {
      checkKey(key);
      writes++;
      data.set(key, password);
    },
    async delete(key) {
      writes++;
      return data.delete(key);
    },
    list: async () => [...data.keys()],
    status: async () => ({ available: true, message: 'Passwords are kept in memory (test store).' }),
    writes: () => writes,
  };
}
