/**
 * credentials.test and credentials.changePassword through the real vnish client, against small vnish
 * web APIs on loopback (the documented unlock / auth-check / settings behaviour, nothing else).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../../shared/contract.js';
import type { MinerRecord } from '../../../shared/miner.js';
import { createCore, type Core } from '../../../electron/core/index.js';
import { createInProcessTransport } from '../../../electron/core/service/in-process.js';
import { createMemoryCredentialStore } from '../../../electron/core/credentials/store.js';

const MARK = 'Mark3r-int-pw-19';
const NEW = 'N3w-int-pw-44';

interface FakeMiner {
  password: string;
  /** 200 to a password change, but the old password stays (the firmware did not apply it). */
  ignoresChange?: boolean;
  /** 500 to a password change, with the request body quoted in the error text. */
  failsChange?: boolean;
  posts: unknown[];
  server: http.Server;
  address: string;
}

const servers: http.Server[] = [];
const cores: Core[] = [];
afterEach(async () => {
  await Promise.all(cores.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function fakeMiner(password: string, flags: { ignoresChange?: boolean; failsChange?: boolean } = {}) {
  const tokens = new Set<string>();
  let seq = 0;
  const m = { password, ...flags, posts: [] as unknown[] } as FakeMiner;
  const send = (res: http.ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  m.server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      const auth = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const authed = tokens.has(auth);
      if (req.url === '/api/v1/unlock' && req.method === 'POST') {
        if (body.pw !== m.password) return send(res, 403, { err: 'Wrong password' });
        const token = `tok${++seq}`.padEnd(32, 'x');
        tokens.add(token);
        return send(res, 200, { token });
      }
      if (req.url === '/api/v1/auth-check') return authed ? send(res, 200, {}) : send(res, 401);
      if (req.url === '/api/v1/settings' && req.method === 'POST') {
        if (!authed) return send(res, 401);
        m.posts.push(body);
        const change = body.password as { current?: string; pw?: string } | undefined;
        if (change) {
          if (m.failsChange) return send(res, 500, { err: `cannot apply ${raw}` });
          if (change.current !== m.password) return send(res, 500, { err: 'Wrong current password' });
          if (!m.ignoresChange && typeof change.pw === 'string') {
            m.password = change.pw;
            tokens.clear();
          }
        }
        return send(res, 200, { restart_required: false, reboot_required: false });
      }
      send(res, 404, { err: 'not found' });
    });
  });
  servers.push(m.server);
  await new Promise<void>((r) => m.server.listen(0, '127.0.0.1', r));
  m.address = `127.0.0.1:${(m.server.address() as AddressInfo).port}`;
  return m;
}

/** A loopback address where nothing listens (bound, then released). */
async function deadAddress(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return `127.0.0.1:${port}`;
}

const record = (mac: string, address: string): MinerRecord => ({
  id: mac,
  address,
  mac,
  labels: {},
  freshness: 'never',
  lastSeenAt: null,
  lastError: null,
  snapshot: null,
});

async function setup(records: MinerRecord[], initial: Record<string, string>) {
  const store = createMemoryCredentialStore(initial);
  const core = await createCore({
    dataDir: '/nonexistent',
    version: 'test',
    host: 'test',
    credentialStore: store,
  });
  cores.push(core);
  core.inventory.put(records);
  const wire: string[] = [];
  const t = createInProcessTransport(core.dispatch, core.bus);
  const api = createClient({
    request: async (m, i) => {
      const r = await t.request(m, i);
      wire.push(JSON.stringify(r));
      return r;
    },
    subscribe: (h) => t.subscribe((e, p) => (wire.push(JSON.stringify(p)), h(e, p))),
  });
  return { store, api, wire };
}

describe('credentials over the real vnish client', () => {
  it('tests stored passwords: ok, wrong, unreachable, no password', async () => {
    const good = await fakeMiner(MARK);
    const other = await fakeMiner('another-pw');
    const dead = await deadAddress();
    const { api, wire } = await setup(
      [
        record('aa:bb:cc:00:00:01', good.address),
        record('aa:bb:cc:00:00:02', other.address),
        record('aa:bb:cc:00:00:03', dead),
      ],
      { 'range:127.0.0.0/8': MARK },
    );
    const result = async (minerId: string) => {
      const r = await api.call('credentials.test', { minerId });
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      return r.value;
    };
    expect(await result('aa:bb:cc:00:00:01')).toMatchObject({ result: 'ok', source: 'range:127.0.0.0/8' });
    expect(await result('aa:bb:cc:00:00:02')).toMatchObject({ result: 'wrong' });
    expect(await result('aa:bb:cc:00:00:03')).toMatchObject({ result: 'unreachable' });
    await api.call('credentials.delete', { scope: 'range:127.0.0.0/8' });
    expect(await result('aa:bb:cc:00:00:01')).toMatchObject({ result: 'no-password', source: null });
    expect(wire.join('\n')).not.toContain(MARK);
  });

  it('changes passwords, keeping the keychain in step with what each miner verifiably took', async () => {
    const ok = await fakeMiner(MARK);
    const wrong = await fakeMiner('not-the-stored-one');
    const ignores = await fakeMiner(MARK, { ignoresChange: true });
    const fails = await fakeMiner(MARK, { failsChange: true });
    const dead = await deadAddress();
    const macs = [
      'aa:bb:cc:00:00:11',
      'aa:bb:cc:00:00:12',
      'aa:bb:cc:00:00:13',
      'aa:bb:cc:00:00:14',
      'aa:bb:cc:00:00:15',
    ];
    const { store, api, wire } = await setup(
      [
        record(macs[0]!, ok.address),
        record(macs[1]!, wrong.address),
        record(macs[2]!, ignores.address),
        record(macs[3]!, fails.address),
        record(macs[4]!, dead),
      ],
      { farm: MARK },
    );
    const r = await api.call('credentials.changePassword', { targets: macs, newPassword: NEW });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const status = Object.fromEntries(r.value.results.map((x) => [x.target, x.status]));
    expect(status).toEqual({
      [macs[0]!]: 'changed',
      [macs[1]!]: 'wrong-password',
      [macs[2]!]: 'unverified',
      [macs[3]!]: 'failed',
      [macs[4]!]: 'unreachable',
    });
    expect(r.value).toMatchObject({ changed: 1, failed: 4 });

    // The miners: one changed, the others as they were; the change was the documented body.
    expect(ok.password).toBe(NEW);
    expect(ok.posts).toEqual([{ password: { current: MARK, pw: NEW } }]);
    expect(wrong.password).toBe('not-the-stored-one');
    expect(wrong.posts).toEqual([]);
    expect(ignores.password).toBe(MARK);

    // The keychain: only the verified miner got its own scope; the farm default is untouched.
    expect((await store.list()).sort()).toEqual(['farm', `miner:${macs[0]}`]);
    expect(await store.get(`miner:${macs[0]}`)).toBe(NEW);
    expect(await store.get('farm')).toBe(MARK);

    // Hashwatch now unlocks the changed miner with the new password, and still the others with the old.
    const t1 = await api.call('credentials.test', { minerId: macs[0]! });
    expect(t1).toMatchObject({ ok: true, value: { result: 'ok', source: `miner:${macs[0]}` } });
    const t3 = await api.call('credentials.test', { minerId: macs[2]! });
    expect(t3).toMatchObject({ ok: true, value: { result: 'ok', source: 'farm' } });

    // No answer carried either password, though one miner's error text quoted both.
    const all = wire.join('\n');
    expect(all).not.toContain(MARK);
    expect(all).not.toContain(NEW);
  });
});
