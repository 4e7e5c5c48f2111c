/**
 * The contract test suite every adapter must pass: the same behaviours over in-process and WebSocket.
 */
import { describe, expect, it } from 'vitest';
import type { HashwatchApi } from '../../../shared/contract.js';
import type { MinerRecord } from '../../../shared/miner.js';
import type { Core } from '../../../electron/core/index.js';

export interface AdapterHarness {
  core: Core;
  client: HashwatchApi;
  /** Sends an arbitrary (possibly ill-typed) call, bypassing the typed client. */
  raw(method: unknown, input: unknown): Promise<unknown>;
}

export function record(id: string): MinerRecord {
  return {
    id,
    address: `127.0.0.${id.length}`,
    mac: null,
    labels: {},
    freshness: 'live',
    lastSeenAt: new Date(0).toISOString(),
    lastError: null,
    snapshot: null,
  };
}

export type Setup = (opts?: { crash?: boolean }) => Promise<AdapterHarness & { close(): Promise<void> }>;

/** The core every adapter test wraps: fixed probes, and optionally a probe that crashes. */
export async function testCore(opts: { crash?: boolean } = {}): Promise<Core> {
  const { createCore } = await import('../../../electron/core/index.js');
  return createCore({
    dataDir: '/tmp/hashwatch-contract-test',
    version: '0.0.0-test',
    host: 'test',
    dispatch: { validateOutput: true },
    probes: {
      tfBackend: async () => ({ name: 'wasm', detail: 'test' }),
      keychain: async () => {
        if (opts.crash) throw new Error('boom at /secret-internal-path/keychain.ts:12');
        return { available: false, backend: 'test', message: 'No keychain in tests' };
      },
    },
  });
}

export function contractSuite(name: string, setup: Setup) {
  describe(`contract over ${name}`, () => {
    it('answers app.info with the environment the technician needs to know', async () => {
      const h = await setup();
      try {
        const r = await h.client.call('app.info', {});
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value.name).toBe('Hashwatch');
        expect(r.value.dataDir).toBe('/tmp/hashwatch-contract-test');
        expect(r.value.keychain.available).toBe(false);
        expect(r.value.keychain.message).toMatch(/keychain/i);
        expect(r.value.tfBackend.name).toBe('wasm');
      } finally {
        await h.close();
      }
    });

    it('turns invalid input into a ValidationError value naming the field', async () => {
      const h = await setup();
      try {
        const r = await h.raw('miners.get', { id: 42 });
        expect(r).toMatchObject({ ok: false, error: { code: 'ValidationError' } });
        const details = (r as { error: { details: Array<{ path: string }> } }).error.details;
        expect(details.map((d) => d.path)).toContain('id');
        const extra = await h.raw('miners.list', { unexpected: true });
        expect(extra).toMatchObject({ ok: false, error: { code: 'ValidationError' } });
        const notObject = await h.raw('miners.get', 'x');
        expect(notObject).toMatchObject({ ok: false, error: { code: 'ValidationError' } });
      } finally {
        await h.close();
      }
    });

    it('turns an unknown method into an UnknownMethod value', async () => {
      const h = await setup();
      try {
        expect(await h.raw('miners.explode', {})).toMatchObject({
          ok: false,
          error: { code: 'UnknownMethod' },
        });
        expect(await h.raw('__proto__', {})).toMatchObject({ ok: false, error: { code: 'UnknownMethod' } });
        expect(await h.raw(12, {})).toMatchObject({ ok: false, error: { code: 'UnknownMethod' } });
      } finally {
        await h.close();
      }
    });

    it('answers NotFound for a miner it does not know, and returns one it does', async () => {
      const h = await setup();
      try {
        expect(await h.client.call('miners.get', { id: 'aa:bb:cc:dd:ee:ff' })).toMatchObject({
          ok: false,
          error: { code: 'NotFound' },
        });
        h.core.inventory.put([record('aa:bb:cc:dd:ee:01')]);
        const r = await h.client.call('miners.get', { id: 'aa:bb:cc:dd:ee:01' });
        expect(r).toMatchObject({ ok: true, value: { id: 'aa:bb:cc:dd:ee:01', freshness: 'live' } });
        const list = await h.client.call('miners.list', {});
        expect(list.ok && list.value.miners.map((m) => m.id)).toEqual(['aa:bb:cc:dd:ee:01']);
      } finally {
        await h.close();
      }
    });

    it('delivers fleet.tick events with only the changed miners', async () => {
      const h = await setup();
      try {
        const ticks: Array<{ changed: Array<{ id: string }> }> = [];
        const got = new Promise<void>((resolve) => {
          h.client.on('fleet.tick', (p) => {
            ticks.push(p);
            if (ticks.length === 2) resolve();
          });
        });
        // Let a socket subscription settle before the core emits.
        await h.client.call('miners.list', {});
        h.core.inventory.put([record('m1'), record('m2')]);
        h.core.inventory.flush();
        const m2 = { ...record('m2'), freshness: 'stale' as const };
        h.core.inventory.put([record('m1'), m2]);
        h.core.inventory.flush();
        await got;
        expect(ticks[0]!.changed.map((m) => m.id).sort()).toEqual(['m1', 'm2']);
        expect(ticks[1]!.changed.map((m) => m.id)).toEqual(['m2']);
      } finally {
        await h.close();
      }
    });

    it('turns an unexpected error inside the core into an Internal value with no stack', async () => {
      const h = await setup({ crash: true });
      try {
        const r = await h.raw('app.info', {});
        expect(r).toEqual({ ok: false, error: { code: 'Internal', message: 'Internal error' } });
        expect(JSON.stringify(r)).not.toMatch(/boom|secret-internal-path|\.ts:\d+/);
        // The core keeps serving after the failure.
        expect(await h.client.call('miners.list', {})).toMatchObject({ ok: true });
      } finally {
        await h.close();
      }
    });
  });
}
