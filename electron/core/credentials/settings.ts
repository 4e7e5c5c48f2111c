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

export const TRY_FACTORY_PASSWORD_KEY = 'credentials.tryFactoryPassword';

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
