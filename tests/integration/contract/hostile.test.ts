/**
 * Hostile input at every contract method over the WebSocket adapter: random and malicious values,
 * oversized strings, prototype-pollution keys, wrong types, huge arrays, deep nesting, broken frames.
 * Every call must come back as a well-formed result value (an error for anything invalid), promptly,
 * and the host must keep serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WebSocket } from 'undici';
import { methodNames, methods, type MethodSpec } from '../../../shared/contract.js';
import { createCore, type Core } from '../../../electron/core/index.js';
import { startHost, type Host } from '../../../electron/core/host/server.js';
import type { Dispatch } from '../../../electron/core/service/dispatch.js';

const tokens = { operator: 'hostile-operator-token', viewer: 'hostile-viewer-token' };
let core: Core;
let host: Host;
let counted = 0;

interface Conn {
  send(
    raw: string,
  ): Promise<{ id: number; result: { ok: boolean; error?: { code: string; message: string } } }>;
  close(): void;
}

async function connect(token: string): Promise<Conn> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${token}`);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve());
    ws.addEventListener('error', () => reject(new Error('socket error')));
  });
  const waiting: Array<(m: never) => void> = [];
  ws.addEventListener('message', (ev) => {
    const msg = JSON.parse(String(ev.data));
    if (msg.t === 'result') waiting.shift()?.(msg as never);
  });
  return {
    send(raw) {
      counted++;
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no answer within 5 s to ${raw.slice(0, 80)}`)), 5000);
        waiting.push((m) => {
          clearTimeout(t);
          resolve(m);
        });
        ws.send(raw);
      });
    },
    close: () => ws.close(),
  };
}

const hostileKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.string({ minLength: 70_000, maxLength: 100_000 }),
  fc.array(fc.integer(), { minLength: 10_000, maxLength: 20_000 }),
  fc.constantFrom(
    null,
    true,
    0,
    -1,
    1e308,
    -1e308,
    '',
    'NaN',
    'Infinity',
    '1e999',
    '\u0000',
    '../../etc/passwd',
  ),
  fc.dictionary(fc.constantFrom(...hostileKeys), fc.jsonValue()),
  fc.record({ id: fc.oneof(fc.string({ maxLength: 5000 }), fc.integer(), fc.constant(null), fc.object()) }),
);

function isWellFormedResult(r: { ok: boolean; error?: { code: string; message: string } }) {
  if (r.ok) return true;
  return (
    typeof r.error?.code === 'string' &&
    typeof r.error.message === 'string' &&
    !/\n\s+at /.test(r.error.message)
  );
}

beforeAll(async () => {
  core = await createCore({
    dataDir: '/tmp/hashwatch-hostile-test',
    version: '0.0.0-test',
    host: 'test',
    probes: {
      tfBackend: async () => ({ name: 'wasm', detail: '' }),
      keychain: async () => ({ available: false, backend: 'test', message: 'none' }),
    },
  });
  // Network rule: a random input that happens to be a valid scan or credential test must not dial anything.
  // Such calls are answered here (after validation) instead of reaching the network.
  const dialling = new Set(['discovery.scan', 'credentials.test', 'credentials.changePassword']);
  const guarded: Dispatch = async (method, input, ctx) => {
    if (typeof method === 'string' && dialling.has(method)) {
      const spec = (methods as Record<string, MethodSpec>)[method]!;
      if (spec.input.safeParse(input).success) {
        return { ok: false, error: { code: 'Cancelled', message: 'not dialled in tests' } };
      }
    }
    return core.dispatch(method, input, ctx);
  };
  host = await startHost({
    dispatch: guarded,
    bus: core.bus,
    tokens,
    staticDir: null,
    maxMessageBytes: 4 * 1024 * 1024,
  });
});
afterAll(async () => {
  await host.close();
  await core.close();
  console.log(`hostile-input cases sent over the WebSocket adapter: ${counted}`);
});

describe('hostile input over the WebSocket adapter', () => {
  it('answers every method with a result value for random and malicious inputs', async () => {
    const conn = await connect(tokens.operator);
    for (const method of methodNames) {
      await fc.assert(
        fc.asyncProperty(hostileValue, async (input) => {
          const spec: MethodSpec = methods[method];
          const { result } = await conn.send(JSON.stringify({ t: 'call', id: 7, method, input }));
          expect(isWellFormedResult(result)).toBe(true);
          if (!spec.input.safeParse(input).success)
            expect(result).toMatchObject({ ok: false, error: { code: 'ValidationError' } });
        }),
        { numRuns: 40, seed: 42 },
      );
    }
    conn.close();
  }, 240_000);

  it('answers hostile method names and broken frames with error values and keeps serving', async () => {
    const conn = await connect(tokens.operator);
    const frames = [
      'not json',
      '{"t":"call"',
      '[]',
      'null',
      '"string"',
      '{"t":"nope","id":1}',
      JSON.stringify({ t: 'call', id: 1, method: '__proto__', input: {} }),
      JSON.stringify({ t: 'call', id: 1, method: 'constructor', input: {} }),
      JSON.stringify({ t: 'call', id: 1, method: 'toString', input: {} }),
      JSON.stringify({ t: 'call', id: 1, method: { toString: 'x' }, input: {} }),
      JSON.stringify({ t: 'call', id: 1, method: 'x'.repeat(100_000), input: {} }),
      '{"t":"call","id":"nope","method":"miners.list","input":{"__proto__":{"polluted":1}}}',
      '{"t":"call","id":1,"method":"miners.list","input":{"constructor":{"prototype":{"polluted":1}}}}',
      '{"t":"call","id":1,"method":"miners.get","input":{"__proto__":{"polluted":true},"id":"x"}}',
      '['.repeat(50_000) + ']'.repeat(50_000),
      JSON.stringify({ t: 'call', id: 1, method: 'miners.get', input: { id: 'a'.repeat(1_000_000) } }),
    ];
    for (const f of frames) {
      const { result } = await conn.send(f);
      expect(result.ok).toBe(false);
      expect(isWellFormedResult(result)).toBe(true);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    const after = await conn.send(JSON.stringify({ t: 'call', id: 2, method: 'miners.list', input: {} }));
    expect(after.result.ok).toBe(true);
    conn.close();
  });

  it('drops a socket that sends a frame over the size limit, and the host stays up', async () => {
    const conn = await connect(tokens.operator);
    await expect(conn.send('x'.repeat(5 * 1024 * 1024))).rejects.toThrow();
    const fresh = await connect(tokens.operator);
    expect(
      (await fresh.send(JSON.stringify({ t: 'call', id: 3, method: 'miners.list', input: {} }))).result.ok,
    ).toBe(true);
    fresh.close();
  });

  it('refuses every write method to a viewer token, before validating or running it', async () => {
    const conn = await connect(tokens.viewer);
    for (const method of methodNames) {
      const spec: MethodSpec = methods[method];
      const { result } = await conn.send(JSON.stringify({ t: 'call', id: 9, method, input: {} }));
      if (spec.access === 'write') expect(result).toMatchObject({ ok: false, error: { code: 'Forbidden' } });
      else expect(result.error?.code).not.toBe('Forbidden');
    }
    conn.close();
  });
});
