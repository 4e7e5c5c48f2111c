/**
 * The real credential store: the OS keychain through keytar (service `hashwatch`, account = scope key).
 *
 * keytar is an optional native dependency, so it is loaded lazily and only here. When it cannot load,
 * or the keychain does not answer in time, every operation throws `KeychainUnavailable` with what to
 * install or unlock. There is deliberately no plaintext fallback of any kind.
 */
import { HashwatchError } from '../../../shared/errors.js';
import { keychainHowTo } from './keychain-probe.js';
import { parseScope } from './scope.js';
import type { CredentialStore } from './store.js';

/** The part of keytar's API this store uses. */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

export interface KeytarStoreOptions {
  /** Loads keytar; injectable so tests can simulate a missing module. Defaults to `import('keytar')`. */
  loadKeytar?: () => Promise<KeytarLike>;
  /** Keychain service name; `hashwatch` in the product. */
  service?: string;
  /** How long one keychain call may take before the keychain counts as not answering. */
  timeoutMs?: number;
}

export const KEYCHAIN_SERVICE = 'hashwatch';

/** Imports keytar, whichever way the module system presents it. */
export async function importKeytar(): Promise<KeytarLike> {
  const mod = (await import('keytar' as string)) as { default?: KeytarLike } & KeytarLike;
  const k = mod.default ?? mod;
  if (typeof k.setPassword !== 'function') throw new Error('keytar has no setPassword');
  return k;
}

function isCanonicalScopeKey(key: string): boolean {
  const s = parseScope(key);
  return typeof s !== 'string' && s.key === key;
}

/** Raw keychain access under one service: the one place keytar is called, with deadlines and typed errors. */
export interface KeychainSecrets {
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
  accounts(): Promise<string[]>;
}

export function createKeychainSecrets(opts: KeytarStoreOptions = {}): KeychainSecrets {
  const service = opts.service ?? KEYCHAIN_SERVICE;
  const timeoutMs = opts.timeoutMs ?? 5000;
  const load = opts.loadKeytar ?? importKeytar;
  let loaded: Promise<KeytarLike> | null = null;

  const notInstalled = () =>
    new HashwatchError(
      'KeychainUnavailable',
      `The keychain module (keytar) could not be loaded, so passwords cannot be stored. ${keychainHowTo()}`,
    );
  const noAnswer = () =>
    new HashwatchError(
      'KeychainUnavailable',
      `No keychain answered, so passwords cannot be stored or read. ${keychainHowTo()}`,
    );

  const keytar = async (): Promise<KeytarLike> => {
    // A module that failed to load will not appear while this process runs; remember the failure.
    loaded ??= load();
    try {
      return await loaded;
    } catch {
      throw notInstalled();
    }
  };

  /** Runs one keychain call with a deadline; any failure becomes KeychainUnavailable, never a detail leak. */
  const call = async <T>(fn: (k: KeytarLike) => Promise<T>): Promise<T> => {
    const k = await keytar();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        fn(k),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
        }),
      ]);
    } catch {
      throw noAnswer();
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    get: (account) => call((k) => k.getPassword(service, account)),
    set: async (account, secret) => {
      await call((k) => k.setPassword(service, account, secret));
    },
    delete: (account) => call((k) => k.deletePassword(service, account)),
    accounts: async () => (await call((k) => k.findCredentials(service))).map((c) => c.account),
  };
}

export function createKeytarCredentialStore(opts: KeytarStoreOptions = {}): CredentialStore {
  const secrets = createKeychainSecrets(opts);
  const checkKey = (key: string) => {
    if (!isCanonicalScopeKey(key)) throw new HashwatchError('ValidationError', 'Invalid scope key');
  };

  return {
    async get(key) {
      checkKey(key);
      return secrets.get(key);
    },
    async set(key, password) {
      checkKey(key);
      await secrets.set(key, password);
    },
    async delete(key) {
      checkKey(key);
      return secrets.delete(key);
    },
    async list() {
      // Other Hashwatch secrets (a pinned host token) share the service; only scope keys are listed.
      return (await secrets.accounts()).filter(isCanonicalScopeKey);
    },
    async status() {
      try {
        await secrets.accounts();
        return { available: true, message: 'Passwords are stored in the OS keychain.' };
      } catch (e) {
        return { available: false, message: (e as Error).message };
      }
    },
  };
}
