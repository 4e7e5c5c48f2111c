/**
 * The credential settings the user controls: for now, whether the factory password `admin` may be tried.
 *
 * Kept in the app's settings store (not the keychain: it is not a secret). Off by default, because
 * trying `admin` on every miner teaches the farm's miners to rate-limit Hashwatch and hides that a
 * password was never set.
 */
export interface SettingsKv {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

export interface CredentialSettings {
  tryFactoryPassword(): boolean;
  setTryFactoryPassword(on: boolean): void;
}

// The settings store refuses keys that look like secrets (pass..., credential...): this one is a flag.
export const TRY_FACTORY_PASSWORD_KEY = 'minerAuth.tryFactoryDefault';

/** A settings store kept in memory (tests, and hosts without a database). */
export function createMemorySettingsKv(): SettingsKv {
  const data = new Map<string, unknown>();
  return { get: (k) => data.get(k), set: (k, v) => void data.set(k, v) };
}

export function createCredentialSettings(kv: SettingsKv = createMemorySettingsKv()): CredentialSettings {
  return {
    tryFactoryPassword: () => kv.get(TRY_FACTORY_PASSWORD_KEY) === true,
    setTryFactoryPassword: (on) => kv.set(TRY_FACTORY_PASSWORD_KEY, on === true),
  };
}

/**
 * A settings store that starts in memory and moves onto a persistent one once it is open.
 *
 * The credential provider is built before the database in createCore; this lets it exist from the
 * start and still keep the user's choice in the settings table once there is one.
 */
export function createDeferredSettingsKv(): SettingsKv & { attach(target: SettingsKv): void } {
  const early = createMemorySettingsKv();
  let target: SettingsKv | null = null;
  return {
    get: (k) => (target ? target.get(k) : early.get(k)),
    set: (k, v) => (target ? target.set(k, v) : early.set(k, v)),
    attach(t) {
      target = t;
    },
  };
}
