import { describe, expect, it } from 'vitest';
import {
  isBridge,
  probeHost,
  selectApi,
  takeToken,
  TOKEN_STORAGE_KEY,
  wsEndpoint,
} from '../../../renderer/src/api/select-api.js';
import type { HashwatchApi } from '../../../shared/contract.js';
import { fakeEnv } from './fakes.js';

const noop = { attempt() {}, open() {}, close() {} };
const answerNothing = () => ({ ok: false, error: { code: 'Unavailable', message: 'x' } });

describe('api selection', () => {
  it('uses the preload bridge when window.hashwatch exists, and opens no socket', () => {
    const bridge: HashwatchApi = { call: async () => ({ ok: true, value: {} as never }), on: () => () => {} };
    const env = fakeEnv('app://hashwatch/index.html', answerNothing, bridge);
    const sel = selectApi(env, noop);
    expect(sel.kind).toBe('ipc');
    expect(env.sockets).toHaveLength(0);
  });

  it('without a bridge, connects to the host’s /ws with the token from the page URL', () => {
    const env = fakeEnv('http://127.0.0.1:8123/?token=abc123#/miners', answerNothing);
    const sel = selectApi(env, noop);
    expect(sel.kind).toBe('websocket');
    expect(env.sockets[0]?.url).toBe('ws://127.0.0.1:8123/ws?token=abc123');
    if (sel.kind === 'websocket') {
      expect(sel.endpoint).toBe('ws://127.0.0.1:8123/ws');
      expect(sel.pageUrl).toBe('http://127.0.0.1:8123/');
      sel.transport.close();
    }
  });

  it('ignores a bridge-like value that is not one', () => {
    expect(isBridge({ call: 1, on: () => {} })).toBe(false);
    expect(isBridge(undefined)).toBe(false);
  });

  it('refuses to guess a host for a page opened from a file', () => {
    expect(selectApi(fakeEnv('file:///opt/hashwatch/index.html', answerNothing), noop).kind).toBe('no-host');
  });

  it('uses wss for an https page', () => {
    expect(wsEndpoint('https://farm.local:8443/?x=1', 't').url).toBe('wss://farm.local:8443/ws?token=t');
  });
});

describe('access token', () => {
  it('removes the token from the visible URL, keeps the route, and remembers it for a reload', () => {
    const env = fakeEnv('http://127.0.0.1:8123/?token=s3cret&view=1#/miners', answerNothing);
    expect(takeToken(env)).toBe('s3cret');
    expect(env.replaced).toEqual(['/?view=1#/miners']);
    expect(env.location.href).not.toContain('s3cret');
    expect(env.stored.get(TOKEN_STORAGE_KEY)).toBe('s3cret');
    // A reload: the URL no longer has the token, session storage does.
    expect(takeToken(env)).toBe('s3cret');
  });

  it('has no token when neither the URL nor the session holds one', () => {
    const env = fakeEnv('http://127.0.0.1:8123/', answerNothing);
    expect(takeToken(env)).toBeNull();
    expect(env.replaced).toEqual([]);
  });

  it('still works when session storage is unavailable', () => {
    const env = fakeEnv('http://127.0.0.1:8123/?token=t1', answerNothing);
    env.storage = {
      getItem() {
        throw new Error('denied');
      },
      setItem() {
        throw new Error('denied');
      },
    };
    expect(takeToken(env)).toBe('t1');
    expect(takeToken(env)).toBeNull();
  });
});

describe('refusal probe', () => {
  it('tells a refused token, a lockout, and an unreachable host apart', async () => {
    const seen: Array<Record<string, string>> = [];
    const status = (code: number) => async (_u: string, init: { headers: Record<string, string> }) => {
      seen.push(init.headers);
      return { status: code };
    };
    expect(await probeHost(status(401), 'http://h/', 'bad')).toBe('refused');
    expect(seen[0]).toEqual({ Authorization: 'Bearer bad' });
    expect(await probeHost(status(429), 'http://h/', 'bad')).toBe('locked-out');
    expect(await probeHost(status(200), 'http://h/', null)).toBe('reachable');
    expect(seen[2]).toEqual({});
    expect(
      await probeHost(
        async () => {
          throw new TypeError('Failed to fetch');
        },
        'http://h/',
        't',
      ),
    ).toBe('unreachable');
  });
});
