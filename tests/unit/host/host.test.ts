import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { WebSocket } from 'undici';
import { startHost, type Host } from '../../../electron/core/host/server.js';
import { roleForToken } from '../../../electron/core/host/auth.js';
import { createEventBus } from '../../../electron/core/service/events.js';
import type { Dispatch } from '../../../electron/core/service/dispatch.js';

const tokens = { operator: 'operator-secret-token', viewer: 'viewer-secret-token' };
const calls: unknown[] = [];
const dispatch: Dispatch = async (method, input, ctx) => {
  calls.push({ method, input, ctx });
  return { ok: true, value: { role: ctx.role } };
};

let host: Host | null = null;
afterEach(async () => {
  await host?.close();
  host = null;
  calls.length = 0;
});

function staticDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-static-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Hashwatch</title>');
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(path.dirname(dir), 'hw-outside.txt'), 'outside');
  return dir;
}

async function start(extra: Partial<Parameters<typeof startHost>[0]> = {}) {
  host = await startHost({ dispatch, bus: createEventBus(), tokens, staticDir: staticDir(), ...extra });
  return host;
}

function wsOpen(url: string): Promise<'open' | 'closed'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.addEventListener('open', () => {
      ws.close();
      resolve('open');
    });
    ws.addEventListener('error', () => resolve('closed'));
    ws.addEventListener('close', () => resolve('closed'));
  });
}

describe('headless host', () => {
  it('refuses pages without the token (401) and serves them with it, setting an HttpOnly cookie', async () => {
    const h = await start();
    const bare = await request(h.url);
    expect(bare.statusCode).toBe(401);
    expect(await bare.body.text()).toMatch(/access token/);
    const wrong = await request(`${h.url}?token=nope`);
    expect(wrong.statusCode).toBe(401);
    await wrong.body.dump();

    const ok = await request(h.urlWithToken());
    expect(ok.statusCode).toBe(200);
    expect(await ok.body.text()).toContain('<title>Hashwatch</title>');
    const cookie = String(ok.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(String(ok.headers['content-security-policy'])).toMatch(/script-src 'self'/);
    expect(ok.headers['referrer-policy']).toBe('no-referrer');

    // Assets load with the cookie alone, as a browser does after the first page.
    const asset = await request(`${h.url}assets/app.js`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    await asset.body.dump();
  });

  it('never serves files outside the renderer folder', async () => {
    const h = await start();
    for (const p of [
      '../hw-outside.txt',
      '%2e%2e/hw-outside.txt',
      '..%2fhw-outside.txt',
      'assets/../../hw-outside.txt',
    ]) {
      const r = await request(`${h.url}${p}`, { headers: { authorization: `Bearer ${tokens.operator}` } });
      expect(await r.body.text()).not.toBe('outside');
    }
  });

  it('accepts sockets only with a token, and binds the role to the token', async () => {
    const h = await start();
    const ws = `ws://127.0.0.1:${h.port}/ws`;
    expect(await wsOpen(ws)).toBe('closed');
    expect(await wsOpen(`${ws}?token=wrong`)).toBe('closed');
    expect(await wsOpen(`${ws}?token=${tokens.viewer}`)).toBe('open');
    expect(await wsOpen(`${ws}?token=${tokens.operator}`)).toBe('open');
  });

  it('rejects a socket opened from a foreign origin even with a valid token', async () => {
    const h = await start();
    const status = (origin: string) =>
      new Promise<number>((resolve) => {
        const req = http.request({
          host: '127.0.0.1',
          port: h.port,
          path: `/ws?token=${tokens.operator}`,
          headers: {
            connection: 'Upgrade',
            upgrade: 'websocket',
            'sec-websocket-version': '13',
            'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
            origin,
          },
        });
        req.on('upgrade', (_res, socket) => {
          socket.destroy();
          resolve(101);
        });
        req.on('response', (res) => resolve(res.statusCode ?? 0));
        req.on('error', () => resolve(-1));
        req.end();
      });
    expect(await status('http://evil.example')).toBe(403);
    expect(await status(`http://127.0.0.1:${h.port}`)).toBe(101);
  });

  it('locks out a client after repeated wrong tokens, even when it then presents the right one', async () => {
    const h = await start({ maxAuthFailures: 3 });
    for (let i = 0; i < 3; i++) await (await request(`${h.url}?token=guess${i}`)).body.dump();
    const locked = await request(h.urlWithToken());
    expect(locked.statusCode).toBe(429);
    await locked.body.dump();
  });

  it('listens on loopback only unless remote access is explicitly allowed', async () => {
    await expect(startHost({ dispatch, bus: createEventBus(), tokens, host: '0.0.0.0' })).rejects.toThrow(
      /only loopback/,
    );
  });

  it('compares tokens by value and maps each to its role', () => {
    expect(roleForToken(tokens, tokens.operator)).toBe('operator');
    expect(roleForToken(tokens, tokens.viewer)).toBe('viewer');
    expect(roleForToken(tokens, tokens.operator + 'x')).toBeNull();
    expect(roleForToken(tokens, '')).toBeNull();
    expect(roleForToken(tokens, null)).toBeNull();
  });
});
