import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectApp, type ConnectDeps } from '../../../renderer/src/api/connect.js';
import { CLOCK_INTERVAL_MS } from '../../../renderer/src/api/bootstrap.js';
import { createAppStore } from '../../../renderer/src/store/create-store.js';
import { selectConnected } from '../../../renderer/src/store/selectors.js';
import type { AppInfo, EventName, EventPayload, HashwatchApi } from '../../../shared/contract.js';
import { fakeEnv, settle } from './fakes.js';
import { iso, miner, T0 } from './fixtures.js';

const info: AppInfo = {
  name: 'Hashwatch',
  version: '9.9.9',
  platform: 'linux',
  arch: 'x64',
  dataDir: '/data',
  host: 'headless',
  demo: false,
  tfBackend: { name: 'wasm', detail: '' },
  keychain: { available: false, backend: 'keytar', message: 'Unlock the keyring' },
};

function answers(fleet = [miner(1), miner(2)], pollIntervalS?: number) {
  return (method: string) => {
    if (method === 'app.info') return { ok: true, value: info };
    if (method === 'miners.list') return { ok: true, value: { miners: fleet } };
    if (method === 'fleet.settings.get' && pollIntervalS !== undefined) {
      return {
        ok: true,
        value: {
          pollIntervalS,
          alerts: { hashrateMinShare: 0.8, chipTempMaxC: 90, boardTempMaxC: 80, poolRejectMaxShare: 0.05 },
        },
      };
    }
    return { ok: false, error: { code: 'UnknownMethod', message: `Unknown method: ${method}` } };
  };
}

function deps(status?: number | 'throw'): ConnectDeps & { timers: Array<() => void> } {
  const timers: Array<() => void> = [];
  return {
    timers,
    now: () => T0,
    setInterval: (fn) => timers.push(fn),
    clearInterval: () => {},
    fetch:
      status === undefined
        ? undefined
        : async () => {
            if (status === 'throw') throw new TypeError('Failed to fetch');
            return { status };
          },
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('connecting over the WebSocket', () => {
  it('loads app info and the inventory once open, then merges ticks', async () => {
    const store = createAppStore({ nowMs: T0 });
    const env = fakeEnv('http://127.0.0.1:9/?token=tok', answers());
    const conn = connectApp(env, store, deps(200));
    expect(store.getState().connection).toMatchObject({ transport: 'websocket', status: 'connecting' });

    env.sockets[0]!.open();
    await settle();
    const s = store.getState();
    expect(s.connection.status).toBe('open');
    expect(s.appInfo?.version).toBe('9.9.9');
    expect(s.minersById.size).toBe(2);

    env.sockets[0]!.push('fleet.tick', { at: iso(T0 + 5000), changed: [miner(3)], removed: [miner(1).id] });
    expect([...store.getState().minersById.keys()].sort()).toEqual([miner(2).id, miner(3).id].sort());
    conn.stop();
  });

  it('derives the stale threshold from the core’s poll interval (two polls plus grace)', async () => {
    const store = createAppStore({ nowMs: T0 });
    const env = fakeEnv('http://127.0.0.1:9/?token=tok', answers(undefined, 60));
    const conn = connectApp(env, store, deps(200));
    const before = store.getState().staleAfterMs;
    env.sockets[0]!.open();
    await settle();
    expect(before).toBe(25_000);
    expect(store.getState().staleAfterMs).toBe(125_000);
    conn.stop();
  });

  it('shows the connection as lost (nothing live) and reloads everything after reconnecting', async () => {
    const store = createAppStore({ nowMs: T0 });
    const fleet = [miner(1)];
    const env = fakeEnv('http://127.0.0.1:9/?token=tok', answers(fleet));
    const conn = connectApp(env, store, deps(200));
    env.sockets[0]!.open();
    await settle();
    expect(selectConnected(store.getState())).toBe(true);

    env.sockets[0]!.close();
    expect(store.getState().connection.status).toBe('reconnecting');
    expect(selectConnected(store.getState())).toBe(false);

    // While down, miner 1 was removed and miner 2 added: the reload after reconnecting shows that.
    fleet.splice(0, 1, miner(2));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(env.sockets.length).toBe(2);
    env.sockets[1]!.open();
    await settle();
    expect(store.getState().connection.status).toBe('open');
    expect([...store.getState().minersById.keys()]).toEqual([miner(2).id]);
    conn.stop();
  });

  it('stops retrying and says access was refused when the host rejects the token', async () => {
    const store = createAppStore({ nowMs: T0 });
    const env = fakeEnv('http://127.0.0.1:9/?token=old', answers());
    connectApp(env, store, deps(401));
    env.sockets[0]!.close();
    await settle();
    expect(store.getState().connection.status).toBe('refused');
    await vi.advanceTimersByTimeAsync(120_000);
    for (const s of env.sockets) s.close();
    await vi.advanceTimersByTimeAsync(120_000);
    // No retry loop that would keep the host's lockout going.
    expect(env.sockets.length).toBeLessThanOrEqual(2);
    expect(store.getState().connection.status).toBe('refused');
  });

  it('says a token is needed when the page has none and the host refuses', async () => {
    const store = createAppStore({ nowMs: T0 });
    const env = fakeEnv('http://127.0.0.1:9/', answers());
    connectApp(env, store, deps(401));
    expect(env.sockets[0]!.url).toBe('ws://127.0.0.1:9/ws');
    env.sockets[0]!.close();
    await settle();
    expect(store.getState().connection.status).toBe('no-token');
  });

  it('reports a lockout', async () => {
    const store = createAppStore({ nowMs: T0 });
    const env = fakeEnv('http://127.0.0.1:9/?token=x', answers());
    connectApp(env, store, deps(429));
    env.sockets[0]!.close();
    await settle();
    expect(store.getState().connection.status).toBe('locked-out');
  });

  it('keeps retrying, counting attempts, while the host is unreachable', async () => {
    const store = createAppStore({ nowMs: T0 });
    const env = fakeEnv('http://127.0.0.1:9/?token=x', answers());
    const conn = connectApp(env, store, deps('throw'));
    env.sockets[0]!.close();
    await settle();
    await vi.advanceTimersByTimeAsync(1_000);
    env.sockets[1]!.close();
    await settle();
    expect(store.getState().connection).toMatchObject({ status: 'connecting', failedAttempts: 2 });
    await vi.advanceTimersByTimeAsync(1_000);
    env.sockets[2]!.open();
    await settle();
    expect(store.getState().connection).toMatchObject({ status: 'open', failedAttempts: 0 });
    conn.stop();
  });
});

describe('connecting through the preload bridge', () => {
  it('is open at once, loads, follows ticks and advances the clock', async () => {
    const handlers = new Map<string, (p: unknown) => void>();
    const bridge: HashwatchApi = {
      call: (async (method: string) => answers()(method)) as HashwatchApi['call'],
      on<E extends EventName>(event: E, h: (p: EventPayload<E>) => void) {
        handlers.set(event, h as (p: unknown) => void);
        return () => handlers.delete(event);
      },
    };
    const store = createAppStore({ nowMs: T0 });
    const d = deps();
    let now = T0;
    d.now = () => now;
    const conn = connectApp(fakeEnv('app://hashwatch/index.html', answers(), bridge), store, d);
    expect(store.getState().connection).toMatchObject({ transport: 'ipc', status: 'open' });
    await settle();
    expect(store.getState().minersById.size).toBe(2);

    handlers.get('fleet.tick')!({ at: iso(T0 + 90_000), changed: [miner(7)], removed: [] });
    expect(store.getState().minersById.has(miner(7).id)).toBe(true);
    // The core's clock is 90 s ahead of ours: learnt from the tick.
    expect(store.getState().serverOffsetMs).toBe(90_000);

    now = T0 + CLOCK_INTERVAL_MS;
    d.timers[0]!();
    expect(store.getState().localNowMs).toBe(T0 + CLOCK_INTERVAL_MS);

    conn.stop();
    expect(handlers.size).toBe(0);
  });
});

describe('no host', () => {
  it('explains that the page must be opened from Hashwatch', () => {
    const store = createAppStore({ nowMs: T0 });
    connectApp(fakeEnv('file:///tmp/index.html', answers()), store, deps());
    expect(store.getState().connection.status).toBe('no-host');
  });
});
