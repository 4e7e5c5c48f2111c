import { describe, expect, it } from 'vitest';
import { HashwatchError } from '../../../shared/errors.js';
import { createScopedProvider } from '../../../electron/core/credentials/scoped-provider.js';
import {
  createMemoryCredentialStore,
  type CredentialStore,
} from '../../../electron/core/credentials/store.js';
import {
  createKeytarCredentialStore,
  type KeytarLike,
} from '../../../electron/core/credentials/keytar-store.js';

const MAC = 'aa:bb:cc:dd:ee:01';

function countingStore(initial: Record<string, string>) {
  const inner = createMemoryCredentialStore(initial);
  let lists = 0;
  const store: CredentialStore = {
    ...inner,
    list: async () => {
      lists++;
      return inner.list();
    },
  };
  return { store, lists: () => lists };
}

describe('createScopedProvider', () => {
  it('resolves MAC, then the longest matching range, then the farm default', async () => {
    const store = createMemoryCredentialStore({
      farm: 'farm-pw',
      'range:10.0.0.0/16': 'wide-pw',
      'range:10.0.4.0/22': 'narrow-pw',
      [`miner:${MAC}`]: 'miner-pw',
    });
    const p = createScopedProvider(store, { tryFactoryPassword: () => false });
    expect(await p.passwordFor({ address: '10.0.5.1', mac: MAC })).toBe('miner-pw');
    expect(await p.passwordFor({ address: '10.0.5.1', mac: 'aa:bb:cc:dd:ee:02' })).toBe('narrow-pw');
    expect(await p.passwordFor({ address: '10.0.8.1:80', mac: null })).toBe('wide-pw');
    expect(await p.passwordFor({ address: '10.1.0.1', mac: null })).toBe('farm-pw');
    expect((await p.resolveScope({ address: '10.0.5.1', mac: null }))?.key).toBe('range:10.0.4.0/22');
  });

  it('returns null when nothing applies, and reports the factory setting as it changes', async () => {
    let factory = false;
    const p = createScopedProvider(createMemoryCredentialStore({ 'range:10.0.0.0/24': 'x1' }), {
      tryFactoryPassword: () => factory,
    });
    expect(await p.passwordFor({ address: '10.0.1.1', mac: null })).toBeNull();
    expect(p.tryFactoryPassword()).toBe(false);
    factory = true;
    expect(p.tryFactoryPassword()).toBe(true);
  });

  it('caches the scope list, and sees its own set and delete at once', async () => {
    const { store, lists } = countingStore({ farm: 'farm-pw' });
    const p = createScopedProvider(store, { tryFactoryPassword: () => false });
    const target = { address: '10.0.0.9', mac: MAC };
    expect(await p.passwordFor(target)).toBe('farm-pw');
    expect(await p.passwordFor(target)).toBe('farm-pw');
    expect(lists()).toBe(1);
    expect(await p.set(`miner:${MAC.toUpperCase()}`, 'new-pw')).toBe(`miner:${MAC}`);
    expect(await p.passwordFor(target)).toBe('new-pw');
    expect(await p.delete(`miner:${MAC}`)).toEqual({ scope: `miner:${MAC}`, removed: true });
    expect(await p.passwordFor(target)).toBe('farm-pw');
    expect(await p.delete(`miner:${MAC}`)).toEqual({ scope: `miner:${MAC}`, removed: false });
  });

  it('reads the keychain once for a farm unlocking all at once, and briefly keeps passwords', async () => {
    const inner = createMemoryCredentialStore({ farm: 'farm-pw', 'range:10.0.0.0/24': 'range-pw' });
    const calls = { list: 0, get: 0 };
    const store: CredentialStore = {
      ...inner,
      list: async () => (calls.list++, inner.list()),
      get: async (k) => (calls.get++, inner.get(k)),
    };
    let now = 0;
    const p = createScopedProvider(store, { tryFactoryPassword: () => false, clock: { now: () => now } });
    const targets = Array.from({ length: 200 }, (_, i) => ({ address: `10.0.${i % 2}.${i}`, mac: null }));
    const got = await Promise.all(targets.map((t) => p.passwordFor(t)));
    expect(got.filter((g) => g === 'range-pw')).toHaveLength(100);
    expect(got.filter((g) => g === 'farm-pw')).toHaveLength(100);
    expect(calls).toEqual({ list: 1, get: 2 });
    now = 10_000;
    await p.passwordFor(targets[0]!);
    expect(calls.get).toBe(3);
    await p.set('range:10.0.0.0/24', 'changed-pw');
    expect(await p.passwordFor(targets[0]!)).toBe('changed-pw');
  });

  it('re-reads the scope list after its time to live (another process may edit the keychain)', async () => {
    const { store, lists } = countingStore({});
    let now = 0;
    const p = createScopedProvider(store, {
      tryFactoryPassword: () => false,
      clock: { now: () => now },
      scopeCacheMs: 1000,
    });
    await p.scopes();
    await store.set('farm', 'outside');
    expect(await p.passwordFor({ address: '10.0.0.1', mac: null })).toBeNull();
    now = 1000;
    expect(await p.passwordFor({ address: '10.0.0.1', mac: null })).toBe('outside');
    expect(lists()).toBe(2);
  });

  it('falls through when a listed scope has vanished from the store', async () => {
    const inner = createMemoryCredentialStore({ farm: 'farm-pw', [`miner:${MAC}`]: 'gone' });
    const p = createScopedProvider(inner, { tryFactoryPassword: () => false });
    await p.scopes();
    await inner.delete(`miner:${MAC}`);
    expect(await p.passwordFor({ address: '10.0.0.1', mac: MAC })).toBe('farm-pw');
  });

  it('rejects malformed scopes before touching the store', async () => {
    const store = createMemoryCredentialStore();
    const p = createScopedProvider(store, { tryFactoryPassword: () => false });
    for (const bad of ['range:10.0.0.1/8', 'miner:xyz', 'everything', 'farm\n']) {
      await expect(p.set(bad, 'pw-123')).rejects.toMatchObject({ code: 'ValidationError' });
    }
    expect(store.writes()).toBe(0);
  });

  describe('without a keychain', () => {
    const broken = createKeytarCredentialStore({
      loadKeytar: () => Promise.reject(new Error('Cannot find module keytar')),
    });

    it('says so instead of pretending no password is stored', async () => {
      const p = createScopedProvider(broken, { tryFactoryPassword: () => false });
      await expect(p.passwordFor({ address: '10.0.0.1', mac: MAC })).rejects.toMatchObject({
        code: 'KeychainUnavailable',
      });
    });

    it('lets the client try the factory password when the user allowed it', async () => {
      const p = createScopedProvider(broken, { tryFactoryPassword: () => true });
      expect(await p.passwordFor({ address: '10.0.0.1', mac: MAC })).toBeNull();
    });
  });
});

describe('createKeytarCredentialStore', () => {
  function fakeKeytar(): KeytarLike & { data: Map<string, string>; calls: number } {
    const data = new Map<string, string>();
    const k = {
      data,
      calls: 0,
      getPassword: async (s: string, a: string) => (k.calls++, data.get(`${s}/${a}`) ?? null),
      setPassword: async (s: string, a: string, p: string) => void (k.calls++, data.set(`${s}/${a}`, p)),
      deletePassword: async (s: string, a: string) => (k.calls++, data.delete(`${s}/${a}`)),
      findCredentials: async (s: string) => (
        k.calls++,
        [...data]
          .filter(([key]) => key.startsWith(`${s}/`))
          .map(([key, password]) => ({ account: key.slice(s.length + 1), password }))
      ),
    };
    return k;
  }

  it('stores under service hashwatch with the scope key as account, and lists only scope keys', async () => {
    const k = fakeKeytar();
    k.data.set('hashwatch/host-token', 'not-a-scope');
    k.data.set('other-app/farm', 'not-ours');
    const store = createKeytarCredentialStore({ loadKeytar: async () => k });
    await store.set('range:10.0.0.0/22', 'pw-a');
    await store.set('farm', 'pw-b');
    expect(k.data.get('hashwatch/range:10.0.0.0/22')).toBe('pw-a');
    expect((await store.list()).sort()).toEqual(['farm', 'range:10.0.0.0/22']);
    expect(await store.get('farm')).toBe('pw-b');
    expect(await store.delete('farm')).toBe(true);
    expect(await store.list()).toEqual(['range:10.0.0.0/22']);
    expect(await store.status()).toMatchObject({ available: true });
  });

  it('fails every operation with KeychainUnavailable when keytar cannot load, and says what to do', async () => {
    let loads = 0;
    const store = createKeytarCredentialStore({
      loadKeytar: () => {
        loads++;
        return Promise.reject(new Error('Cannot find module keytar'));
      },
    });
    const ops = [
      () => store.set('farm', 'secret-pw-1'),
      () => store.set('miner:aa:bb:cc:dd:ee:01', 'secret-pw-2'),
      () => store.delete('farm'),
      () => store.get('farm'),
      () => store.list(),
    ];
    for (const op of ops) {
      const e = await op().then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(HashwatchError);
      expect((e as HashwatchError).code).toBe('KeychainUnavailable');
      expect((e as HashwatchError).message).toMatch(/keytar|keychain/i);
      expect((e as HashwatchError).message).not.toContain('secret-pw');
    }
    expect(loads).toBe(1);
    const status = await store.status();
    expect(status.available).toBe(false);
    expect(status.message).toMatch(/install|unlock/i);
  });

  it('treats a keychain that does not answer in time as unavailable', async () => {
    const k = fakeKeytar();
    const hang = () => new Promise<never>(() => {});
    const store = createKeytarCredentialStore({
      loadKeytar: async () => ({ ...k, setPassword: hang, findCredentials: hang }),
      timeoutMs: 20,
    });
    await expect(store.set('farm', 'pw-x')).rejects.toMatchObject({ code: 'KeychainUnavailable' });
    expect((await store.status()).available).toBe(false);
  });

  it('turns a keychain error into KeychainUnavailable without passing its text on', async () => {
    const k = fakeKeytar();
    const store = createKeytarCredentialStore({
      loadKeytar: async () => ({
        ...k,
        setPassword: async (_s: string, _a: string, p: string) => {
          throw new Error(`org.freedesktop.Secret.Error.IsLocked while storing ${p}`);
        },
      }),
    });
    const e = (await store.set('farm', 'leaky-pw-9').catch((x: unknown) => x)) as HashwatchError;
    expect(e.code).toBe('KeychainUnavailable');
    expect(e.message).not.toContain('leaky-pw-9');
  });

  it('refuses keys that are not canonical scope keys', async () => {
    const k = fakeKeytar();
    const store = createKeytarCredentialStore({ loadKeytar: async () => k });
    await expect(store.set('miner:AA:BB:CC:DD:EE:01', 'pw')).rejects.toMatchObject({
      code: 'ValidationError',
    });
    await expect(store.set('host-token', 'pw')).rejects.toMatchObject({ code: 'ValidationError' });
    expect(k.data.size).toBe(0);
  });
});
