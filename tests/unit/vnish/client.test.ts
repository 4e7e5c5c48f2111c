import { readFileSync } from 'node:fs';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HashwatchError } from '../../../shared/errors.js';
import { MinerSnapshotSchema } from '../../../shared/miner.js';
import type { CredentialProvider } from '../../../electron/core/credentials/provider.js';
import {
  createVnishClient,
  normaliseSnapshot,
  type VnishClient,
  type VnishClientOptions,
} from '../../../electron/core/vnish/index.js';
import { sendJson, startFakeMiner, type FakeMiner } from './fake-miner.js';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(new URL(`../../fixtures/vnish/${name}.json`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function fakeClock(start = 1_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

function provider(
  password: string | null,
  factory = false,
): CredentialProvider & { password: string | null; asked: number } {
  const p = {
    password,
    asked: 0,
    passwordFor: async () => {
      p.asked += 1;
      return p.password;
    },
    tryFactoryPassword: () => factory,
  };
  return p;
}

async function miner(name = 'v1.3.4-s21', password = 'secret'): Promise<FakeMiner> {
  const m = await startFakeMiner({ fixture: fixture(name), password });
  cleanups.push(() => m.close());
  return m;
}

function client(opts: Partial<VnishClientOptions> & { credentials: CredentialProvider }): VnishClient {
  const c = createVnishClient({ requestTimeoutMs: 2000, connectTimeoutMs: 1000, ...opts });
  cleanups.push(() => c.close());
  return c;
}

async function caught(p: Promise<unknown>): Promise<HashwatchError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HashwatchError) return e;
    throw e;
  }
  throw new Error('expected a HashwatchError');
}

describe('reads and snapshot', () => {
  it('snapshot reads info, summary, perf-summary and settings (with a Bearer token) and normalises', async () => {
    const f = fixture('v1.3.4-s21');
    const m = await miner();
    const c = client({ credentials: provider('secret') });
    const s = await c.snapshot(m.address);
    expect(MinerSnapshotSchema.parse(s)).toEqual(s);
    const expected = normaliseSnapshot({
      address: m.address,
      polledAt: s.polledAt,
      info: f.info,
      summary: f.summary,
      perfSummary: f.perfSummary,
      settings: f.settings,
    });
    expect(s).toEqual(expected);
    expect(s.preset).toEqual({ running: '3500', configured: '3500' });
    const settingsReq = m.seen.find((r) => r.path === '/api/v1/settings')!;
    expect(settingsReq.authorization).toMatch(/^Bearer tok1x+$/);
    // The unlock carried the stored password as {"pw"}.
    expect(JSON.parse(m.seen.find((r) => r.path === '/api/v1/unlock')!.body)).toEqual({ pw: 'secret' });
  });

  it('caches the token: ten snapshots, one unlock, and keep-alive reuses sockets', async () => {
    const m = await miner();
    const c = client({ credentials: provider('secret'), maxConnectionsPerMiner: 2 });
    for (let i = 0; i < 10; i++) await c.snapshot(m.address);
    expect(m.count('/api/v1/unlock')).toBe(1);
    expect(m.count('/api/v1/summary')).toBe(10);
    // 40+ requests over at most the per-miner cap of sockets.
    expect(m.connections).toBeLessThanOrEqual(2);
  });

  it('a miner with no password is still polled: configured preset unknown, no unlock sent', async () => {
    const m = await miner();
    const c = client({ credentials: provider(null, false) });
    const s = await c.snapshot(m.address);
    expect(s.hashrateThs).toBeCloseTo(160.2, 6);
    expect(s.preset).toEqual({ running: '3500', configured: null });
    expect(m.count('/api/v1/unlock')).toBe(0);
  });

  it('1.2.0 /info without hr_measure: snapshot also reads /model', async () => {
    const m = await miner('v1.2.0-s19xp');
    const c = client({ credentials: provider(null) });
    const s = await c.snapshot(m.address);
    expect(m.count('/api/v1/model')).toBe(1);
    expect(s.hashrateThs).toBeCloseTo(140.6, 6);
  });

  it('presets: bare array and {presets} wrapper', async () => {
    const m = await miner();
    const presets = [{ name: '3500', pretty: '3500 watt', status: 'tuned', modded_psu_required: false }];
    m.routes.set('GET /api/v1/autotune/presets', (_q, res) => sendJson(res, 200, presets));
    const c = client({ credentials: provider('secret') });
    expect((await c.presets(m.address)).map((p) => p.name)).toEqual(['3500']);
    m.routes.set('GET /api/v1/autotune/presets', (_q, res) => sendJson(res, 200, { presets }));
    expect((await c.presets(m.address)).map((p) => p.name)).toEqual(['3500']);
  });

  it('metrics passes time_slice and step', async () => {
    const m = await miner();
    m.routes.set('GET /api/v1/metrics', (_q, res) =>
      sendJson(res, 200, {
        timezone: 'GMT',
        metrics: [
          {
            time: 1,
            data: {
              hashrate: 1000,
              pcb_max_temp: 50,
              chip_max_temp: 60,
              fan_duty: 50,
              power_consumption: 3000,
            },
          },
        ],
        annotations: [],
      }),
    );
    const c = client({ credentials: provider(null) });
    const r = await c.metrics(m.address, { timeSliceS: 3600, stepS: 60 });
    expect(r.metrics?.[0]?.data?.power_consumption).toBe(3000);
    expect(m.seen.at(-1)!.path).toBe('/api/v1/metrics?time_slice=3600&step=60');
  });
});

describe('token lifecycle', () => {
  it('after a reboot the old token gets 401: one unlock, one retry, success', async () => {
    const m = await miner();
    const c = client({ credentials: provider('secret') });
    await c.settings(m.address);
    m.reboot();
    const s = await c.settings(m.address);
    expect(s.miner?.overclock?.preset).toBe('3500');
    expect(m.count('/api/v1/unlock')).toBe(2);
    expect(m.count('/api/v1/settings')).toBe(3);
  });

  it('a miner that keeps answering 401 gets exactly one retry, then AuthFailed', async () => {
    const m = await miner();
    m.routes.set('GET /api/v1/settings', (_q, res) => {
      res.writeHead(401);
      res.end();
    });
    const c = client({ credentials: provider('secret') });
    const e = await caught(c.settings(m.address));
    expect(e.code).toBe('AuthFailed');
    expect(m.count('/api/v1/settings')).toBe(2);
    expect(m.count('/api/v1/unlock')).toBe(2);
  });

  it('wrong password: 403 -> AuthFailed, never retried, not resent until the password changes', async () => {
    const m = await miner();
    const p = provider('wrong');
    const c = client({ credentials: p });
    const e = await caught(c.settings(m.address));
    expect(e.code).toBe('AuthFailed');
    expect(e.details).toMatchObject({ reason: 'wrong-password', address: m.address });
    expect(m.count('/api/v1/unlock')).toBe(1);
    // Polling goes on; the refused password is not sent again.
    await c.snapshot(m.address);
    expect((await caught(c.settings(m.address))).code).toBe('AuthFailed');
    expect(await c.authCheck(m.address)).toBe('wrong');
    expect(m.count('/api/v1/unlock')).toBe(1);
    p.password = 'secret';
    expect(await c.authCheck(m.address)).toBe('ok');
    expect(m.count('/api/v1/unlock')).toBe(2);
  });

  it('429 with unlock_timeout: RateLimited, and no unlock until it has passed', async () => {
    const m = await miner();
    m.routes.set('POST /api/v1/unlock', (_q, res) => sendJson(res, 429, { unlock_timeout: 30 }));
    const clock = fakeClock();
    const c = client({ credentials: provider('secret'), clock });
    const e = await caught(c.settings(m.address));
    expect(e.code).toBe('RateLimited');
    expect(e.details).toMatchObject({ retryAfterS: 30 });
    clock.t += 29_000;
    const e2 = await caught(c.settings(m.address));
    expect(e2.code).toBe('RateLimited');
    expect(e2.details).toMatchObject({ retryAfterS: 1 });
    expect(m.count('/api/v1/unlock')).toBe(1);
    // The poller keeps reading what needs no token, without touching /unlock or /settings.
    const s = await c.snapshot(m.address);
    expect(s.preset.configured).toBeNull();
    expect(m.count('/api/v1/unlock')).toBe(1);
    m.routes.delete('POST /api/v1/unlock');
    clock.t += 1_500;
    await c.settings(m.address);
    expect(m.count('/api/v1/unlock')).toBe(2);
  });

  it('a password changed on the miner never costs the poll its data', async () => {
    const m = await miner();
    const c = client({ credentials: provider('secret') });
    expect((await c.snapshot(m.address)).preset.configured).toBe('3500');
    m.password = 'changed-at-the-miner';
    m.reboot();
    const s = await c.snapshot(m.address);
    expect(s.hashrateThs).toBeCloseTo(160.2, 6);
    expect(s.preset.configured).toBeNull();
    // /summary is read without a token, so the dead token never reached it.
    expect(
      m.seen.filter((r) => r.path === '/api/v1/summary').every((r) => r.authorization === undefined),
    ).toBe(true);
  });

  it('one caller aborting does not fail the unlock the others are waiting on', async () => {
    const m = await miner();
    m.routes.set('POST /api/v1/unlock', (_req, res) => {
      setTimeout(() => sendJson(res, 200, { token: 'slow-token'.padEnd(32, 'x') }), 150);
      m.tokens.add('slow-token'.padEnd(32, 'x'));
    });
    const c = client({ credentials: provider('secret') });
    const ac = new AbortController();
    const a = c.settings(m.address, { signal: ac.signal });
    const b = c.settings(m.address);
    setTimeout(() => ac.abort(), 30);
    const [ra, rb] = await Promise.allSettled([a, b]);
    expect(rb.status).toBe('fulfilled');
    expect(ra.status === 'fulfilled' || (ra.reason as HashwatchError).code === 'Cancelled').toBe(true);
    expect(m.count('/api/v1/unlock')).toBe(1);
  });

  it('concurrent calls share one unlock', async () => {
    const m = await miner();
    const c = client({ credentials: provider('secret') });
    await Promise.all(Array.from({ length: 10 }, () => c.settings(m.address)));
    expect(m.count('/api/v1/unlock')).toBe(1);
  });

  it('no password and factory default off: AuthFailed without any unlock; on: sends admin', async () => {
    const m = await miner('v1.3.4-s21', 'admin');
    const off = client({ credentials: provider(null, false) });
    const e = await caught(off.settings(m.address));
    expect(e.code).toBe('AuthFailed');
    expect(e.details).toMatchObject({ reason: 'no-password' });
    expect(await off.authCheck(m.address)).toBe('none');
    expect(m.count('/api/v1/unlock')).toBe(0);
    const on = client({ credentials: provider(null, true) });
    await on.settings(m.address);
    expect(JSON.parse(m.seen.find((r) => r.path === '/api/v1/unlock')!.body)).toEqual({ pw: 'admin' });
  });

  it('the MAC learned from /info picks the credential scope', async () => {
    const m = await miner();
    const seen: Array<string | null> = [];
    const c = client({
      credentials: {
        passwordFor: async (t) => (seen.push(t.mac), 'secret'),
        tryFactoryPassword: () => false,
      },
    });
    await c.info(m.address);
    await c.settings(m.address);
    expect(seen).toEqual(['02:00:5e:21:00:01']);
  });

  it('reboot answers {after} and drops the token so the next call unlocks without a 401 first', async () => {
    const m = await miner();
    m.routes.set('POST /api/v1/system/reboot', (_req, res) => {
      m.reboot();
      sendJson(res, 200, { after: 3 });
    });
    const c = client({ credentials: provider('secret') });
    expect(await c.reboot(m.address)).toEqual({ afterS: 3 });
    const before = m.seen.length;
    await c.settings(m.address);
    expect(m.seen.slice(before).map((r) => r.path)).toEqual(['/api/v1/unlock', '/api/v1/settings']);
  });
});

describe('writes', () => {
  it('updateSettings posts the partial body and reports the restart/reboot hints', async () => {
    const m = await miner();
    m.routes.set('POST /api/v1/settings', (req, res) => {
      if (!req.headers.authorization) return sendJson(res, 401, {});
      sendJson(res, 200, { restart_required: true, reboot_required: false });
    });
    const c = client({ credentials: provider('secret') });
    const r = await c.updateSettings(m.address, { miner: { overclock: { preset: '3200' } } });
    expect(r).toEqual({ restartRequired: true, rebootRequired: false });
    expect(JSON.parse(m.seen.at(-1)!.body)).toEqual({ miner: { overclock: { preset: '3200' } } });
  });

  it('mining actions accept an empty 200; a 500 {"err"} is a FirmwareError quoting the firmware', async () => {
    const m = await miner();
    m.routes.set('POST /api/v1/mining/stop', (_q, res) => {
      res.writeHead(200);
      res.end();
    });
    m.routes.set('POST /api/v1/mining/start', (_q, res) => sendJson(res, 500, { err: 'Miner is not ready' }));
    const c = client({ credentials: provider('secret') });
    await c.mining(m.address, 'stop');
    const e = await caught(c.mining(m.address, 'start'));
    expect(e.code).toBe('FirmwareError');
    expect(e.message).toContain('Miner is not ready');
    expect(e.details).toMatchObject({
      endpoint: '/api/v1/mining/start',
      status: 500,
      err: 'Miner is not ready',
    });
  });

  it('switch-pool sends pool_id; throttle is validated and refused on 1.2.x', async () => {
    const m = await miner('v1.2.7-s19jpro');
    m.routes.set('POST /api/v1/mining/switch-pool', (_q, res) => {
      res.writeHead(200);
      res.end();
    });
    const c = client({ credentials: provider('secret') });
    await c.switchPool(m.address, 1);
    expect(JSON.parse(m.seen.at(-1)!.body)).toEqual({ pool_id: 1 });
    expect((await caught(c.throttle(m.address, 10))).code).toBe('ValidationError');
    const e = await caught(c.throttle(m.address, 80));
    expect(e.code).toBe('FirmwareError');
    expect(m.count('/api/v1/mining/throttle')).toBe(0);
  });

  it('throttle on 1.3.x posts {percent}', async () => {
    const m = await miner('v1.3.4-s21');
    m.routes.set('POST /api/v1/mining/throttle', (_q, res) =>
      sendJson(res, 200, { restart_required: false, reboot_required: false }),
    );
    const c = client({ credentials: provider('secret') });
    expect(await c.throttle(m.address, 80)).toEqual({ restartRequired: false, rebootRequired: false });
    expect(JSON.parse(m.seen.at(-1)!.body)).toEqual({ percent: 80 });
  });

  it('locate: /locate-miner with is_enabled on 1.3.x; the /find-miner toggle only when needed on 1.2.x', async () => {
    const m13 = await miner('v1.3.4-s21');
    m13.routes.set('POST /api/v1/locate-miner', (_q, res, body) =>
      sendJson(res, 200, { is_enabled: (JSON.parse(body) as { is_enabled: boolean }).is_enabled }),
    );
    const c = client({ credentials: provider('secret') });
    expect(await c.locate(m13.address, true)).toEqual({ on: true });
    expect(m13.count('/api/v1/find-miner')).toBe(0);

    const m12 = await miner('v1.2.7-s19jpro');
    let on = false;
    m12.routes.set('GET /api/v1/status', (_q, res) =>
      sendJson(res, 200, { miner_state: 'mining', miner_state_time: 1, find_miner: on, unlocked: true }),
    );
    m12.routes.set('POST /api/v1/find-miner', (_q, res) => {
      on = !on;
      sendJson(res, 200, { on });
    });
    expect(await c.locate(m12.address, true)).toEqual({ on: true });
    expect(await c.locate(m12.address, true)).toEqual({ on: true });
    expect(m12.count('/api/v1/find-miner')).toBe(1);
    expect(await c.locate(m12.address, false)).toEqual({ on: false });
    expect(m12.count('/api/v1/find-miner')).toBe(2);
  });
});

describe('generations and odd answers', () => {
  it('chains: /boards on 1.3.x, /chains on 1.2.x, and the web page for an unknown path is not data', async () => {
    const m13 = await miner('v1.3.4-s21');
    const f13 = fixture('v1.3.4-s21');
    m13.routes.set('GET /api/v1/boards', (_q, res) => sendJson(res, 200, f13.chains));
    const m12 = await miner('v1.2.7-s19jpro');
    const f12 = fixture('v1.2.7-s19jpro');
    m12.routes.set('GET /api/v1/chains', (_q, res) => sendJson(res, 200, f12.chains));
    const c = client({ credentials: provider(null) });
    expect((await c.chains(m13.address)).map((x) => x.id)).toEqual([0, 1, 2]);
    expect(m13.count('/api/v1/chains')).toBe(0);
    expect((await c.chains(m12.address)).map((x) => x.id)).toEqual([1, 2, 3]);
    expect(m12.count('/api/v1/boards')).toBe(0);
    // A 1.3 miner that has no /boards route answers the HTML page; the client falls back to /chains.
    m13.routes.delete('GET /api/v1/boards');
    m13.routes.set('GET /api/v1/chains', (_q, res) => sendJson(res, 200, f13.chains));
    expect((await c.chains(m13.address)).length).toBe(3);
  });

  it('malformed JSON is BadResponse naming the endpoint; HTML where JSON belongs too', async () => {
    const m = await miner();
    m.routes.set('GET /api/v1/summary', (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"miner": {"hr_realtime": 1');
    });
    const c = client({ credentials: provider(null) });
    const e = await caught(c.snapshot(m.address));
    expect(e.code).toBe('BadResponse');
    expect(e.details).toMatchObject({ endpoint: '/api/v1/summary', field: '(body)', address: m.address });
    const e2 = await caught(c.factoryInfo(m.address));
    expect(e2.code).toBe('BadResponse');
    expect(e2.message).toContain('/api/v1/chains/factory-info');
  });

  it('logs come back as text; probeHttp returns status, content type and a capped body', async () => {
    const m = await miner();
    m.routes.set('GET /api/v1/logs/miner', (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('line 1\nline 2\n');
    });
    m.routes.set('GET /big', (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('x'.repeat(200_000));
    });
    const c = client({ credentials: provider(null) });
    expect(await c.logs(m.address, 'miner')).toBe('line 1\nline 2\n');
    const p = await c.probeHttp(m.address, '/');
    expect(p.status).toBe(200);
    expect(p.contentType).toBe('text/html');
    expect(p.headers['content-type']).toBe('text/html');
    expect(p.body).toContain('AnthillOS');
    expect((await c.probeHttp(m.address, '/big')).body.length).toBe(64 * 1024);
  });
});

describe('network faults', () => {
  it('a server that never answers is a Timeout', async () => {
    const m = await miner();
    m.routes.set('GET /api/v1/info', () => undefined);
    const c = client({ credentials: provider(null), requestTimeoutMs: 300 });
    const e = await caught(c.info(m.address));
    expect(e.code).toBe('Timeout');
    expect(e.details).toMatchObject({ address: m.address, endpoint: '/api/v1/info' });
    // Per call override.
    const e2 = await caught(c.info(m.address, { timeoutMs: 100 }));
    expect(e2.details).toMatchObject({ timeoutMs: 100 });
  });

  it('a closed port is Unreachable', async () => {
    const m = await miner();
    const port = m.port;
    await m.close();
    cleanups.pop();
    const c = client({ credentials: provider(null) });
    const e = await caught(c.info(`127.0.0.1:${port}`));
    expect(e.code).toBe('Unreachable');
    expect(e.details).toMatchObject({ cause: 'ECONNREFUSED' });
  });

  it('connection reset: a read is retried once, a write never', async () => {
    const m = await miner();
    const reset: Parameters<typeof m.routes.set>[1] = (req) => {
      req.socket.destroy();
    };
    m.routes.set('GET /api/v1/info', reset);
    m.routes.set('POST /api/v1/mining/restart', reset);
    const c = client({ credentials: provider('secret') });
    const e = await caught(c.info(m.address));
    expect(e.code).toBe('Unreachable');
    expect(e.details).toMatchObject({ cause: 'connection-reset' });
    expect(m.count('/api/v1/info')).toBe(2);
    const w = await caught(c.mining(m.address, 'restart'));
    expect(w.code).toBe('Unreachable');
    expect(m.count('/api/v1/mining/restart')).toBe(1);
  });

  it('a body that stalls half way is a Timeout', async () => {
    const m = await miner();
    m.routes.set('GET /api/v1/summary', (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"miner": {"hr_realtime": 1');
    });
    const c = client({ credentials: provider(null), requestTimeoutMs: 300 });
    const e = await caught(c.summary(m.address));
    expect(e.code).toBe('Timeout');
  });

  it('an abort while queued for a slot is Cancelled and frees nothing it did not hold', async () => {
    const m = await miner();
    let release: (() => void) | null = null;
    m.routes.set('GET /api/v1/model', (_q, res) => {
      release = () => sendJson(res, 200, { model: 's21' });
    });
    const c = client({ credentials: provider(null), maxConnections: 1 });
    const first = c.model(m.address);
    await new Promise((r) => setTimeout(r, 50));
    const ac = new AbortController();
    const queued = c.info(m.address, { signal: ac.signal });
    ac.abort();
    expect((await caught(queued)).code).toBe('Cancelled');
    expect(m.count('/api/v1/info')).toBe(0);
    release!();
    expect((await first).model).toBe('s21');
    // The one slot is free again.
    expect((await c.info(m.address)).fw_version).toBe('1.3.4');
  });

  it('a JSON answer over the 8 MB cap is BadResponse, not a memory spike', async () => {
    const m = await miner();
    m.routes.set('GET /api/v1/metrics', (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"metrics": [${'1,'.repeat(5_000_000)}1]}`);
    });
    const c = client({ credentials: provider(null) });
    const e = await caught(c.metrics(m.address));
    expect(e.code).toBe('BadResponse');
    expect(e.message).toContain('larger than 8 MB');
  });

  it('a user abort is Cancelled', async () => {
    const m = await miner();
    m.routes.set('GET /api/v1/info', () => undefined);
    const c = client({ credentials: provider(null) });
    const ac = new AbortController();
    const p = c.info(m.address, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    expect((await caught(p)).code).toBe('Cancelled');
  });

  it('caps: one connection per miner, two requests in flight across the fleet', async () => {
    const slow = async (m: FakeMiner) => {
      m.routes.set('GET /api/v1/info', (_q, res) => {
        setTimeout(() => sendJson(res, 200, { fw_name: 'Vnish' }), 40);
      });
    };
    const a = await miner();
    const b = await miner();
    const d = await miner();
    await Promise.all([slow(a), slow(b), slow(d)]);
    const perMiner = client({ credentials: provider(null), maxConnectionsPerMiner: 1, maxConnections: 100 });
    await Promise.all(Array.from({ length: 6 }, () => perMiner.info(a.address)));
    expect(a.maxConcurrent).toBe(1);
    expect(a.connections).toBe(1);
    const total = client({ credentials: provider(null), maxConnectionsPerMiner: 4, maxConnections: 2 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => total.info(i % 2 ? b.address : d.address)));
    expect(b.count('/api/v1/info') + d.count('/api/v1/info')).toBe(8);
    expect(b.maxConcurrent + d.maxConcurrent).toBeLessThanOrEqual(2);
  });

  it('addresses: bad ones are ValidationError, IPv6 literals work', async () => {
    const c = client({ credentials: provider(null) });
    expect((await caught(c.info('10.0.0.1:99999'))).code).toBe('ValidationError');
    expect((await caught(c.info('http://x/'))).code).toBe('ValidationError');
    let m6: FakeMiner;
    try {
      m6 = await startFakeMiner({ fixture: fixture('v1.3.4-s21'), host: '::1' });
    } catch {
      return; // no IPv6 loopback on this machine
    }
    cleanups.push(() => m6.close());
    expect((await c.info(m6.address)).fw_version).toBe('1.3.4');
  });
});

describe('cgminer TCP API', () => {
  async function tcp(reply: (cmd: string) => Buffer | null): Promise<{ port: number; server: TcpServer }> {
    const server = createTcpServer((s) => {
      s.on('data', (d) => {
        const out = reply(d.toString('utf8'));
        if (out === null) {
          s.end();
          return;
        }
        if (out.length > 0) s.write(out);
        // Keep the socket open: the NUL must end the read, not the close.
      });
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    return { port: (server.address() as { port: number }).port, server };
  }

  it('NUL-terminated JSON with trailing garbage and the bmminer "}{" defect', async () => {
    const { port, server } = await tcp((cmd) => {
      const c = (JSON.parse(cmd) as { command: string }).command;
      if (c === 'stats')
        return Buffer.from(
          '{"STATUS":[{"STATUS":"S"}],"STATS":[{"Type":"Antminer S19 XP (Vnish 1.2.0-rc1)"}{"elapsed":5}],"id":1}\0\0garbage',
        );
      if (c === 'version') return null;
      return Buffer.from('not json\0');
    });
    const c = client({ credentials: provider(null) });
    const stats = (await c.cgminer('127.0.0.1', 'stats', { port })) as { STATS: Array<{ Type?: string }> };
    expect(stats.STATS[0]!.Type).toBe('Antminer S19 XP (Vnish 1.2.0-rc1)');
    expect(stats.STATS).toHaveLength(2);
    expect(await c.cgminer('127.0.0.1', 'version', { port })).toBeNull();
    expect((await caught(c.cgminer('127.0.0.1', 'summary', { port }))).code).toBe('BadResponse');
    server.close();
  });

  it('a silent listener is a Timeout; a closed port is Unreachable', async () => {
    const { port } = await tcp(() => Buffer.alloc(0));
    const c = client({ credentials: provider(null) });
    expect((await caught(c.cgminer('127.0.0.1', 'stats', { port, timeoutMs: 200 }))).code).toBe('Timeout');
    const dead = await tcp(() => null);
    await new Promise<void>((r) => dead.server.close(() => r()));
    expect((await caught(c.cgminer('127.0.0.1', 'stats', { port: dead.port, timeoutMs: 500 }))).code).toBe(
      'Unreachable',
    );
  });
});
