import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { methodNames } from '../../../shared/contract.js';
import { startShell, type ElectronApi } from '../../../electron/main/shell.js';
import { CALL_CHANNEL_PREFIX, EVENT_CHANNEL } from '../../../electron/main/ipc.js';
import * as preloadChannels from '../../../electron/preload/channels.js';
import { createCore } from '../../../electron/core/index.js';
import { createMemoryCredentialStore } from '../../../electron/core/credentials/store.js';
import { createFakeElectron } from './fake-electron.js';

async function boot() {
  const fake = createFakeElectron();
  const distDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-dist-'));
  fs.mkdirSync(path.join(distDir, 'renderer'));
  fs.writeFileSync(path.join(distDir, 'renderer', 'index.html'), '<!doctype html><title>Hashwatch</title>');
  const shell = startShell(fake.electron as unknown as ElectronApi, {
    distDir,
    argv: ['electron', '.'],
    createCore: (opts) =>
      createCore({
        ...opts,
        credentialStore: createMemoryCredentialStore(),
        probes: {
          tfBackend: async () => ({ name: 'wasm', detail: '' }),
          keychain: async () => ({ available: false, backend: 'x', message: 'none' }),
        },
      }),
  });
  fake.becomeReady();
  for (let i = 0; i < 200 && fake.windows.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  const win = fake.windows[0]!;
  return { fake, shell, win, distDir };
}

describe('Electron shell', () => {
  it('opens one window with a sandboxed, isolated renderer and the preload', async () => {
    const { win, distDir, shell } = await boot();
    const prefs = win.options.webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
    });
    expect(prefs.preload).toBe(path.join(distDir, 'preload', 'index.cjs'));
    expect(win.loadedUrl).toBe('app://hashwatch/index.html');
    await shell.core?.close();
  });

  it('serves the renderer with a strict Content-Security-Policy and nothing outside it', async () => {
    const { fake, shell } = await boot();
    expect(fake.record.privilegedSchemes).toEqual([
      expect.objectContaining({
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true }),
      }),
    ]);
    const handler = fake.record.protocolHandlers.get('app')!;
    const res = await handler(new Request('app://hashwatch/index.html'));
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval|https?:/);
    expect(csp).toContain("object-src 'none'");
    expect((await handler(new Request('app://hashwatch/../../etc/passwd'))).status).toBe(404);
    expect((await handler(new Request('app://other/index.html'))).status).toBe(404);
    await shell.core?.close();
  });

  it('denies navigation away, window.open and every permission request', async () => {
    const { fake, win, shell } = await boot();
    const prevented: string[] = [];
    const nav = (url: string) =>
      win.webContents.emit('will-navigate', { preventDefault: () => prevented.push(url) }, url);
    nav('https://evil.example/');
    nav('file:///etc/passwd');
    nav('app://hashwatch/index.html');
    expect(prevented).toEqual(['https://evil.example/', 'file:///etc/passwd']);
    expect(win.webContents.windowOpenHandler?.({ url: 'https://x.example' })).toEqual({ action: 'deny' });
    let granted: boolean | null = null;
    fake.record.permissionRequest?.({}, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
    expect(fake.record.permissionCheck?.({}, 'notifications')).toBe(false);
    expect(fake.record.menu).toBeTruthy();
    await shell.core?.close();
  });

  it('has an IPC handler for every contract method, refusing callers other than our window', async () => {
    const { fake, win, shell } = await boot();
    for (const m of methodNames) expect(fake.handlers.has(CALL_CHANNEL_PREFIX + m)).toBe(true);
    const own = { sender: win.webContents, senderFrame: { url: 'app://hashwatch/index.html', parent: null } };
    const list = fake.handlers.get(CALL_CHANNEL_PREFIX + 'miners.list')!;
    expect(await list(own, {})).toMatchObject({ ok: true, value: { miners: [] } });
    expect(await list(own, { bogus: 1 })).toMatchObject({ ok: false, error: { code: 'ValidationError' } });
    const foreignFrame = {
      sender: win.webContents,
      senderFrame: { url: 'https://evil.example/', parent: null },
    };
    expect(await list(foreignFrame, {})).toMatchObject({ ok: false, error: { code: 'Forbidden' } });
    const subFrame = { sender: win.webContents, senderFrame: { url: 'app://hashwatch/x', parent: {} } };
    expect(await list(subFrame, {})).toMatchObject({ ok: false, error: { code: 'Forbidden' } });
    const otherContents = { sender: {}, senderFrame: { url: 'app://hashwatch/index.html', parent: null } };
    expect(await list(otherContents, {})).toMatchObject({ ok: false, error: { code: 'Forbidden' } });
    await shell.core?.close();
  });

  it('forwards core events to the window', async () => {
    const { win, shell } = await boot();
    shell.core!.bus.emit('fleet.tick', { at: new Date(0).toISOString(), changed: [], removed: ['x'] });
    expect(win.webContents.sent).toContainEqual([
      EVENT_CHANNEL,
      'fleet.tick',
      expect.objectContaining({ removed: ['x'] }),
    ]);
    await shell.core?.close();
  });

  it('shows a raised alert as a desktop notification', async () => {
    const { fake, shell } = await boot();
    const at = new Date().toISOString();
    shell.core!.bus.emit('alerts.raised', {
      at,
      alerts: [
        {
          id: `m1|fan-lost|1`,
          minerId: 'm1',
          address: '10.0.0.7',
          kind: 'fan-lost',
          severity: 'critical',
          message: '10.0.0.7: fan 2 lost',
          value: null,
          threshold: null,
          raisedAt: at,
          updatedAt: at,
          clearedAt: null,
        },
      ],
    });
    for (let i = 0; i < 400 && fake.record.notifications.length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(fake.record.notifications).toHaveLength(1);
    expect(JSON.stringify(fake.record.notifications[0])).toMatch(/10\.0\.0\.7/);
    await shell.core?.close();
  });

  it('uses the same channel names in the preload as in main', () => {
    expect(preloadChannels.CALL_CHANNEL_PREFIX).toBe(CALL_CHANNEL_PREFIX);
    expect(preloadChannels.EVENT_CHANNEL).toBe(EVENT_CHANNEL);
  });
});
