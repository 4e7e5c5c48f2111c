import { describe, expect, it } from 'vitest';
import { resolveHostTokens, unpinHostTokens } from '../../../electron/core/host/pinned-tokens.js';
import type { KeychainSecrets } from '../../../electron/core/credentials/keytar-store.js';

function memorySecrets(): KeychainSecrets & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get: async (a) => data.get(a) ?? null,
    set: async (a, s) => void data.set(a, s),
    delete: async (a) => data.delete(a),
    accounts: async () => [...data.keys()],
  };
}

describe('host access tokens', () => {
  it('rotate at every start unless pinned', async () => {
    const secrets = memorySecrets();
    const a = await resolveHostTokens(secrets, { pin: false });
    const b = await resolveHostTokens(secrets, { pin: false });
    expect(a.tokens.operator).not.toBe(b.tokens.operator);
    expect(a.tokens.operator).not.toBe(a.tokens.viewer);
    expect(secrets.data.size).toBe(0);
  });

  it('stay the same across restarts once pinned in the keychain, and rotate again after unpinning', async () => {
    const secrets = memorySecrets();
    const first = await resolveHostTokens(secrets, { pin: true });
    const again = await resolveHostTokens(secrets, { pin: true });
    expect(again.tokens).toEqual(first.tokens);
    expect(first.tokens.operator.length).toBeGreaterThanOrEqual(32);
    expect(await unpinHostTokens(secrets)).toBe(true);
    const after = await resolveHostTokens(secrets, { pin: true });
    expect(after.tokens.operator).not.toBe(first.tokens.operator);
  });
});
