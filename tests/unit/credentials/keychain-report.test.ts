import { describe, expect, it } from 'vitest';
import { createCore } from '../../../electron/core/index.js';
import { createMemoryCredentialStore } from '../../../electron/core/credentials/store.js';
import { keychainReporter } from '../../../electron/core/credentials/keychain-probe.js';

describe('app.info keychain report', () => {
  it('describes the credential store actually in use (a demo keeps passwords in memory)', async () => {
    const core = await createCore({
      dataDir: '/tmp/hw-keychain-report',
      version: '0',
      host: 'test',
      credentialStore: createMemoryCredentialStore({ farm: 'x' }),
      probes: { tfBackend: async () => ({ name: 'wasm', detail: '' }) },
    });
    const info = await core.dispatch('app.info', {}, { role: 'viewer', caller: 'test' });
    expect(info).toMatchObject({
      ok: true,
      value: { keychain: { available: true, backend: 'in memory (this session only)' } },
    });
    const listed = await core.dispatch('credentials.list', {}, { role: 'viewer', caller: 'test' });
    expect(listed).toMatchObject({ ok: true, value: { keychain: { available: true } } });
    await core.close();
  });

  it('asks the store again after a while, so a keychain unlocked later is reported', async () => {
    let available = false;
    let t = 0;
    const report = keychainReporter(
      { status: async () => ({ available, message: available ? 'ok' : 'locked' }) },
      'Secret Service (libsecret)',
      { cacheMs: 1000, now: () => t },
    );
    expect(await report()).toEqual({
      available: false,
      backend: 'Secret Service (libsecret)',
      message: 'locked',
    });
    available = true;
    expect((await report()).available).toBe(false);
    t = 2000;
    expect((await report()).available).toBe(true);
  });
});
