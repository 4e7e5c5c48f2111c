import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type HashwatchApi } from '../../../shared/contract.js';
import type { MinerRecord } from '../../../shared/miner.js';
import { createCore, type Core } from '../../../electron/core/index.js';
import { createInProcessTransport } from '../../../electron/core/service/in-process.js';
import {
  createMemoryCredentialStore,
  type CredentialStore,
} from '../../../electron/core/credentials/store.js';
import { createKeytarCredentialStore } from '../../../electron/core/credentials/keytar-store.js';
import type { VnishClientFactory } from '../../../electron/core/credentials/miner-ops.js';
import type { VnishClient } from '../../../electron/core/vnish/index.js';
import { fakeFarm, type FakeMiner } from './fake-miners.js';

const MARK = 'Mark3r-pw-7Qz';
const NEW = 'N3w-pw-Kx81';

const record = (id: string, address: string, mac: string | null): MinerRecord => ({
  id,
  address,
  mac,
  labels: {},
  freshness: 'never',
  lastSeenAt: null,
  lastError: null,
  snapshot: null,
});

interface Harness {
  core: Core;
  api: HashwatchApi;
  viewer: HashwatchApi;
  raw: (method: string, input: unknown) => Promise<unknown>;
  /** Every answer and event seen, as JSON, for the secret sweep. */
  wire: string[];
}

let open: Core[] = [];
afterEach(async () => {
  await Promise.all(open.map((c) => c.close()));
  open = [];
});

async function harness(store: CredentialStore, clientFor?: VnishClientFactory, records: MinerRecord[] = []) {
  const core = await createCore({
    dataDir: '/nonexistent',
    version: 'test',
    host: 'test',
    credentialStore: store,
    ...(clientFor ? { vnishClientFor: clientFor } : {}),
    dispatch: { validateOutput: true },
  });
  open.push(core);
  core.inventory.put(records);
  core.inventory.flush();
  const wire: string[] = [];
  const t = createInProcessTransport(core.dispatch, core.bus);
  const logged = {
    request: async (m: string, i: unknown) => {
      const r = await t.request(m, i);
      wire.push(JSON.stringify(r));
      return r;
    },
    subscribe: (h: (e: string, p: unknown) => void) =>
      t.subscribe((e, p) => {
        wire.push(JSON.stringify(p));
        h(e, p);
      }),
  };
  const viewerT = createInProcessTransport(core.dispatch, core.bus, { role: 'viewer', caller: 'test' });
  const h: Harness = {
    core,
    api: createClient(logged),
    viewer: createClient(viewerT),
    raw: (m, i) => logged.request(m, i),
    wire,
  };
  return h;
}

describe('credentials.set / list / delete', () => {
  it('stores by canonical scope, lists scopes most specific first, never a password', async () => {
    const store = createMemoryCredentialStore();
    const h = await harness(store);
    expect(await h.api.call('credentials.set', { scope: 'farm', password: MARK })).toEqual({
      ok: true,
      value: { scope: 'farm' },
    });
    await h.api.call('credentials.set', { scope: 'range:10.0.0.0/22', password: MARK });
    const set = await h.api.call('credentials.set', { scope: 'miner:AA-BB-CC-DD-EE-01', password: MARK });
    expect(set).toEqual({ ok: true, value: { scope: 'miner:aa:bb:cc:dd:ee:01' } });
    expect(await store.get('miner:aa:bb:cc:dd:ee:01')).toBe(MARK);

    const list = await h.api.call('credentials.list', {});
    expect(list.ok && list.value.scopes).toEqual([
      { scope: 'miner:aa:bb:cc:dd:ee:01', kind: 'miner' },
      { scope: 'range:10.0.0.0/22', kind: 'range' },
      { scope: 'farm', kind: 'farm' },
    ]);
    const viewerList = await h.viewer.call('credentials.list', {});
    expect(viewerList.ok).toBe(true);

    expect(await h.api.call('credentials.delete', { scope: 'range:10.0.0.0/22' })).toEqual({
      ok: true,
      value: { scope: 'range:10.0.0.0/22', removed: true },
    });
    expect(await store.list()).not.toContain('range:10.0.0.0/22');
    expect(h.wire.join('\n')).not.toContain(MARK);
  });

  it('refuses writes from a viewer session', async () => {
    const store = createMemoryCredentialStore();
    const h = await harness(store);
    const r = await h.viewer.call('credentials.set', { scope: 'farm', password: MARK });
    expect(r).toMatchObject({ ok: false, error: { code: 'Forbidden' } });
    expect(store.writes()).toBe(0);
  });

  it.each([
    ['an empty password', { scope: 'farm', password: '' }],
    ['a password over 128 characters', { scope: 'farm', password: MARK.repeat(20) }],
    ['a newline in the password', { scope: 'farm', password: `${MARK}\n` }],
    ['a NUL in the password', { scope: 'farm', password: `${MARK}\u0000x` }],
    ['a C1 control in the password', { scope: 'farm', password: `${MARK}\u0085` }],
    ['a number as password', { scope: 'farm', password: 12345678 }],
    ['the password typed into the scope', { scope: MARK, password: MARK }],
    ['a range with host bits set', { scope: 'range:10.0.0.1/22', password: MARK }],
    ['a range with a bad octet', { scope: 'range:10.0.0.300/24', password: MARK }],
    ['an extra field', { scope: 'farm', password: MARK, echo: MARK }],
  ])('rejects %s with a ValidationError that does not echo the password', async (_label, input) => {
    const store = createMemoryCredentialStore();
    const h = await harness(store);
    const r = await h.raw('credentials.set', input);
    expect(r).toMatchObject({ ok: false, error: { code: 'ValidationError' } });
    expect(JSON.stringify(r)).not.toContain(MARK);
    expect(JSON.stringify(r)).not.toContain('12345678');
    expect(store.writes()).toBe(0);
  });

  it('reports an unavailable keychain on list and refuses every write', async () => {
    const broken = createKeytarCredentialStore({ loadKeytar: () => Promise.reject(new Error('no keytar')) });
    const h = await harness(broken);
    const list = await h.api.call('credentials.list', {});
    expect(list.ok && list.value.keychain.available).toBe(false);
    expect(list.ok && list.value.keychain.message).toMatch(/install|unlock/i);
    for (const [m, i] of [
      ['credentials.set', { scope: 'farm', password: MARK }],
      ['credentials.delete', { scope: 'farm' }],
    ] as const) {
      const r = await h.raw(m, i);
      expect(r).toMatchObject({ ok: false, error: { code: 'KeychainUnavailable' } });
    }
    expect(h.wire.join('\n')).not.toContain(MARK);
  });
});

describe('credentials.settings', () => {
  it('has factory-password trying off by default and remembers the change', async () => {
    const h = await harness(createMemoryCredentialStore());
    expect(await h.api.call('credentials.settings.get', {})).toEqual({
      ok: true,
      value: { tryFactoryPassword: false },
    });
    expect(await h.viewer.call('credentials.settings.set', { tryFactoryPassword: true })).toMatchObject({
      ok: false,
    });
    await h.api.call('credentials.settings.set', { tryFactoryPassword: true });
    expect(h.core.credentials.tryFactoryPassword()).toBe(true);
    expect(await h.api.call('credentials.settings.get', {})).toEqual({
      ok: true,
      value: { tryFactoryPassword: true },
    });
  });
});

const MAC1 = 'aa:bb:cc:dd:ee:01';
const MAC2 = 'aa:bb:cc:dd:ee:02';
const MAC3 = 'aa:bb:cc:dd:ee:03';
const MAC4 = 'aa:bb:cc:dd:ee:04';
const MAC5 = 'aa:bb:cc:dd:ee:05';

function farmOf(extra: Record<string, FakeMiner> = {}) {
  return fakeFarm({
    '127.0.10.1': { mac: MAC1, password: MARK },
    '127.0.10.2': { mac: MAC2, password: 'something-else' },
    '127.0.10.3': { mac: MAC3, password: MARK, reachable: false },
    '127.0.10.4': { mac: MAC4, password: MARK, ignoresChange: true },
    '127.0.10.5': { mac: MAC5, password: MARK, failsChange: true },
    '127.0.10.6': { mac: null, password: MARK },
    '127.0.20.1': { mac: null, password: 'admin' },
    ...extra,
  });
}
const recordsOf = () => [
  record(MAC1, '127.0.10.1', MAC1),
  record(MAC2, '127.0.10.2', MAC2),
  record(MAC3, '127.0.10.3', MAC3),
  record(MAC4, '127.0.10.4', MAC4),
  record(MAC5, '127.0.10.5', MAC5),
];

describe('credentials.test', () => {
  it('reports ok, wrong, unreachable and no-password, and which scope was tried', async () => {
    const farm = farmOf();
    const store = createMemoryCredentialStore({ 'range:127.0.10.0/24': MARK });
    const h = await harness(store, farm.clientFor, recordsOf());
    const test = async (input: { minerId?: string; address?: string }) => {
      const r = await h.api.call('credentials.test', input);
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      return r.value;
    };
    expect(await test({ minerId: MAC1 })).toMatchObject({
      result: 'ok',
      source: 'range:127.0.10.0/24',
      minerId: MAC1,
      address: '127.0.10.1',
    });
    expect(await test({ minerId: MAC2 })).toMatchObject({ result: 'wrong', source: 'range:127.0.10.0/24' });
    expect(await test({ minerId: MAC3 })).toMatchObject({ result: 'unreachable' });
    expect(await test({ address: '127.0.20.1' })).toMatchObject({ result: 'no-password', source: null });
    await h.api.call('credentials.settings.set', { tryFactoryPassword: true });
    expect(await test({ address: '127.0.20.1' })).toMatchObject({ result: 'ok', source: 'factory' });

    expect(await h.api.call('credentials.test', { minerId: 'ff:ff:ff:ff:ff:ff' })).toMatchObject({
      ok: false,
      error: { code: 'NotFound' },
    });
    expect(await h.raw('credentials.test', { minerId: MAC1, address: '127.0.10.1' })).toMatchObject({
      ok: false,
      error: { code: 'ValidationError' },
    });
    expect(h.wire.join('\n')).not.toContain(MARK);
  });

  it('builds a fresh client each time, so a token cached elsewhere cannot vouch for a changed password', async () => {
    const farm = farmOf();
    const h = await harness(createMemoryCredentialStore({ farm: MARK }), farm.clientFor, recordsOf());
    await h.api.call('credentials.test', { minerId: MAC1 });
    await h.api.call('credentials.test', { minerId: MAC1 });
    expect(farm.clientsBuilt()).toBe(2);
  });
});

describe('credentials.changePassword', () => {
  it('changes where it can, stores only verified changes, and reports each miner', async () => {
    const farm = farmOf();
    const store = createMemoryCredentialStore({ farm: MARK });
    const h = await harness(store, farm.clientFor, recordsOf());
    const r = await h.api.call('credentials.changePassword', {
      targets: [MAC1, MAC2, MAC3, MAC4, MAC5, '127.0.10.6', 'addr:127.0.10.1', 'no-such-miner!', MAC1, NEW],
      newPassword: NEW,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const by = Object.fromEntries(r.value.results.map((x) => [x.target, x]));
    expect(by[MAC1]).toMatchObject({ status: 'changed', scope: `miner:${MAC1}` });
    expect(by[MAC2]).toMatchObject({ status: 'wrong-password' });
    expect(by[MAC3]).toMatchObject({ status: 'unreachable' });
    expect(by[MAC4]).toMatchObject({ status: 'unverified' });
    expect(by[MAC5]).toMatchObject({ status: 'failed', code: 'FirmwareError' });
    expect(by['127.0.10.6']).toMatchObject({ status: 'changed', scope: 'range:127.0.10.6/32' });
    expect(by['no-such-miner!']).toMatchObject({ status: 'not-found' });
    // The new password pasted as a target (it looks like a host name) is neither dialled nor echoed.
    expect(by['[withheld]']).toMatchObject({ status: 'not-found', address: null });
    expect(farm.dialled).not.toContain(NEW);
    expect(farm.dialled).toContain('127.0.10.6');
    // Duplicates of one miner are changed once.
    expect(r.value.results.filter((x) => x.address === '127.0.10.1')).toHaveLength(1);
    expect(r.value.changed).toBe(2);
    expect(r.value.failed).toBe(6);

    expect(farm.miners['127.0.10.1']!.password).toBe(NEW);
    expect(farm.miners['127.0.10.2']!.password).toBe('something-else');
    expect((await store.list()).sort()).toEqual(['farm', `miner:${MAC1}`, 'range:127.0.10.6/32']);
    expect(await store.get(`miner:${MAC1}`)).toBe(NEW);
    expect(await store.get('farm')).toBe(MARK);

    // The new password is what Hashwatch now uses for that miner.
    const t = await h.api.call('credentials.test', { minerId: MAC1 });
    expect(t).toMatchObject({ ok: true, value: { result: 'ok', source: `miner:${MAC1}` } });

    const all = h.wire.join('\n');
    expect(all).not.toContain(MARK);
    expect(all).not.toContain(NEW);
  });

  it('uses an explicit current password, and the factory one only when allowed', async () => {
    const farm = fakeFarm({
      '127.0.30.1': { mac: MAC1, password: 'given-current' },
      '127.0.30.2': { mac: MAC2, password: 'admin' },
    });
    const store = createMemoryCredentialStore();
    const h = await harness(store, farm.clientFor, [
      record(MAC1, '127.0.30.1', MAC1),
      record(MAC2, '127.0.30.2', MAC2),
    ]);
    const first = await h.api.call('credentials.changePassword', { targets: [MAC2], newPassword: NEW });
    expect(first.ok && first.value.results[0]).toMatchObject({ status: 'no-password' });
    expect(farm.sent).toHaveLength(0);

    await h.api.call('credentials.settings.set', { tryFactoryPassword: true });
    const second = await h.api.call('credentials.changePassword', { targets: [MAC2], newPassword: NEW });
    expect(second.ok && second.value.results[0]).toMatchObject({ status: 'changed' });

    const third = await h.api.call('credentials.changePassword', {
      targets: [MAC1],
      current: 'given-current',
      newPassword: NEW,
    });
    expect(third.ok && third.value.results[0]).toMatchObject({ status: 'changed' });
    expect(await store.get(`miner:${MAC1}`)).toBe(NEW);
    const wire = h.wire.join('\n');
    expect(wire).not.toContain('given-current');
    expect(wire).not.toContain(NEW);
  });

  it('refuses to touch any miner when the keychain cannot keep the new password', async () => {
    const farm = farmOf();
    const broken = createKeytarCredentialStore({ loadKeytar: () => Promise.reject(new Error('no keytar')) });
    const h = await harness(broken, farm.clientFor, recordsOf());
    const r = await h.api.call('credentials.changePassword', {
      targets: [MAC1],
      current: MARK,
      newPassword: NEW,
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'KeychainUnavailable' } });
    expect(farm.sent).toHaveLength(0);
    expect(farm.miners['127.0.10.1']!.password).toBe(MARK);
  });

  it('reports an unavailable miner client as an error value', async () => {
    // A host with its own fleet client and no client factory cannot test or change passwords.
    const core = await createCore({
      dataDir: '/nonexistent',
      version: 'test',
      host: 'test',
      vnish: {} as unknown as VnishClient,
    });
    open.push(core);
    const api = createClient(createInProcessTransport(core.dispatch, core.bus));
    const r = await api.call('credentials.changePassword', { targets: ['127.0.0.2'], newPassword: NEW });
    expect(r).toMatchObject({ ok: false, error: { code: 'Unavailable' } });
  });
});

/** Every string inside a JSON value (keys included). */
function stringLeaves(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(stringLeaves);
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => [k, ...stringLeaves(x)]);
  return [];
}

describe('no password on the wire (property)', () => {
  const pw = fc
    .string({ minLength: 6, maxLength: 100 })
    .filter((s) =>
      [...s].every((c) => c.charCodeAt(0) >= 0x20 && !(c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f)),
    )
    .map((s) => `Pw!${s}`.slice(0, 128));
  const badPw = fc.oneof(
    fc.string({ minLength: 129, maxLength: 400 }).map((s) => `Pw!${s}`),
    fc
      .tuple(fc.string({ minLength: 6, maxLength: 40 }), fc.integer({ min: 0, max: 0x1f }))
      .map(([s, c]) => `Pw!${s}${String.fromCharCode(c)}`),
  );

  it('set, list, test and change never return a password, valid or not', async () => {
    await fc.assert(
      fc.asyncProperty(pw, pw, badPw, async (stored, next, bad) => {
        fc.pre(!stored.includes(next) && !next.includes(stored));
        const farm = fakeFarm({
          '127.0.40.1': { mac: MAC1, password: stored },
          '127.0.40.2': { mac: MAC2, password: stored, failsChange: true },
        });
        const h = await harness(createMemoryCredentialStore(), farm.clientFor, [
          record(MAC1, '127.0.40.1', MAC1),
          record(MAC2, '127.0.40.2', MAC2),
        ]);
        await h.raw('credentials.set', { scope: 'farm', password: stored });
        await h.raw('credentials.set', { scope: 'farm', password: bad });
        await h.raw('credentials.set', { scope: bad, password: stored });
        await h.raw('credentials.list', {});
        await h.raw('credentials.test', { minerId: MAC1 });
        await h.raw('credentials.changePassword', { targets: [MAC1, MAC2, next], newPassword: next });
        await h.raw('credentials.changePassword', { targets: [MAC1], current: bad, newPassword: next });
        await h.raw('credentials.changePassword', { targets: [MAC1], current: next, newPassword: bad });
        // Every string in every answer, decoded, against the secret as typed and as quoted in JSON text.
        const strings = h.wire.flatMap((w) => stringLeaves(JSON.parse(w)));
        for (const secret of [stored, next, bad]) {
          const forms = [secret, JSON.stringify(secret).slice(1, -1)];
          expect(strings.filter((x) => forms.some((f) => x.includes(f)))).toEqual([]);
        }
        expect(farm.miners['127.0.40.1']!.password).toBe(next);
        await h.core.close();
        open = open.filter((c) => c !== h.core);
      }),
      { numRuns: 40, examples: [['Pw!quote"back\\slash', 'Pw!new"one\\', 'Pw!bad\u0001']] },
    );
  });
});
