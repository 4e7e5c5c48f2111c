/**
 * How the vnish client learns a miner's web password without knowing where passwords live.
 *
 * The keychain-backed implementation resolves scopes (one miner by MAC, an address range, the farm
 * default); tests use a fixed map. Passwords only ever travel inward: nothing reads them back out.
 */
export interface MinerTarget {
  /** host[:port] as the client dials it. */
  address: string;
  /** Canonical MAC (see shared/miner.ts normaliseMac) when known. */
  mac: string | null;
}

export interface CredentialProvider {
  /** The stored password for this miner, most specific scope first; null when none is stored. */
  passwordFor(target: MinerTarget): Promise<string | null>;
  /** Whether the factory default password `admin` may be tried (a user setting, off by default). */
  tryFactoryPassword(): boolean;
}

/** A provider with no stored passwords: only the factory default, and only when allowed. */
export function factoryOnlyProvider(allowFactory: boolean): CredentialProvider {
  return { passwordFor: async () => null, tryFactoryPassword: () => allowFactory };
}
