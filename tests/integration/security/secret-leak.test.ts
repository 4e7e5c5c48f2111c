/**
 * A full session with a marker password (set it, scan, poll, test it, change a setting, change the
 * password on a miner, export history, run the CLI), then a search for the markers in everything that
 * leaves the credential code: the database files, the log files, every contract message the UI received,
 * and the CLI's output. Zero hits is the only pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { WebSocket } from 'undici';
import { startFarm, type Farm } from '../../../electron/sim/index.js';
import { createCore, type Core } from '../../../electron/core/index.js';
import { createMemoryCredentialStore } from '../../../electron/core/credentials/store.js';
import { startHost, type Host } from '../../../electron/core/host/server.js';
import { createMetrics } from '../../../electron/core/host/metrics.js';
import { statusCommand } from '../../../electron/cli/commands/status.js';
import { createClient, type HashwatchApi } from '../../../shared/contract.js';
import { createWsTransport, type SocketLike, type WsTransport } from '../../../shared/ws-client.js';

const MARKER = 'Mk7-leak-probe-Q9zX';
const MARKER2 = 'Mk7-second-probe-W4vB';
const tokens = { operator: 'leak-test-operator', viewer: 'leak-test-viewer' };

let farm: Farm;
let core: Core;
let host: Host;
let dataDir: string;
let transport: WsTransport;
let api: HashwatchApi;
const received: string[] = [];
const cliOutput: string[] = [];

beforeAll(async () => {
  farm = await startFarm({ miners: 4, seed: 11, bind: 'ports', speed: 1 });
  for (const m of farm.miners) farm.setPassword(m.index, MARKER);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-leak-'));
  core = await createCore({
    dataDir,
    version: '0.0.0-test',
    // Not 'test': the real file logger and the real wiring, only the keychain is in memory.
    host: 'headless',
    credentialStore: createMemoryCredentialStore(),
    probes: {
      tfBackend: async () => ({ name: 'wasm', detail: '' }),
      keychain: async () => ({ available: true, backend: 'memory', message: '' }),
    },
    fleet: { intervalMs: 5000 },
  });
  host = await startHost({
    dispatch: core.dispatch,
    bus: core.bus,
    tokens,
    staticDir: null,
    metrics: createMetrics({ inventory: core.inventory }),
  });
  transport = createWsTransport(
    `ws://127.0.0.1:${host.port}/ws?token=${tokens.operator}`,
    (url) => {
      const ws = new WebSocket(url);
      ws.addEventListener('message', (ev) => received.push(String(ev.data)));
      return ws as unknown as SocketLike;
    },
    { reconnect: false },
  );
  await transport.ready();
  api = createClient(transport);
}, 60_000);

afterAll(async () => {
  transport?.close();
  await host?.close();
  await core?.close();
  await farm?.close();
});

async function until<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

describe('secrets stay in the credential store', () => {
  it('a full session leaves no trace of the password anywhere else', async () => {
    const targets = farm.miners.map((m) => m.address);

    expect(await api.call('credentials.set', { scope: 'farm', password: MARKER })).toMatchObject({
      ok: true,
    });
    const listed = await api.call('credentials.list', {});
    expect(listed.ok).toBe(true);

    const scan = await api.call('discovery.scan', { targets });
    expect(scan.ok).toBe(true);
    if (!scan.ok) return;
    const results = await until('the scan', async () => {
      const r = await api.call('discovery.results', { scanId: scan.value.scanId });
      return r.ok && r.value.state !== 'running' ? r.value : null;
    });
    expect(results.miners.filter((m) => m.managed)).toHaveLength(4);

    // Polling with the stored password: every miner live.
    await until('all miners polled live', async () => {
      const r = await api.call('miners.list', {});
      return r.ok && r.value.miners.length === 4 && r.value.miners.every((m) => m.freshness === 'live');
    });
    const first = (await api.call('miners.list', {})) as {
      ok: true;
      value: { miners: Array<{ id: string; address: string }> };
    };
    // Any miner but the one whose password is changed behind our back below (the list is in the order
    // discovery answered, which varies).
    const one = first.value.miners.find((m) => m.address !== farm.miners[3]!.address)!;

    expect(await api.call('credentials.test', { minerId: one.id })).toMatchObject({
      ok: true,
      value: { result: 'ok' },
    });
    // A wrong password somewhere: the failure path must not leak either.
    farm.setPassword(3, 'something-else');
    farm.reboot(3);
    await api.call('credentials.test', { address: farm.miners[3]!.address });

    expect(await api.call('fleet.settings.set', { pollIntervalS: 5 })).toMatchObject({ ok: true });
    const changed = await api.call('credentials.changePassword', { targets: [one.id], newPassword: MARKER2 });
    expect(changed).toMatchObject({ ok: true, value: { changed: 1 } });

    await api.call('fleet.summary', {});
    await api.call('fleet.history', { from: 0, to: Date.now() + 60_000 });
    await api.call('fleet.exportCsv', { from: 0, to: Date.now() + 60_000 });
    await api.call('alerts.list', {});
    await api.call('app.info', {});
    const metrics = await fetch(`${host.url}metrics`, {
      headers: { authorization: `Bearer ${tokens.operator}` },
    });
    received.push(await metrics.text());

    // The CLI with the password on stdin, against a good and a wrong-password miner.
    const io = {
      stdout: { write: (s: string) => cliOutput.push(s) },
      stderr: { write: (s: string) => cliOutput.push(s) },
      stdin: Readable.from([`${MARKER}\n`]),
    };
    await statusCommand(['--password-stdin', '--json', farm.miners[1]!.address, farm.miners[3]!.address], io);
    expect(cliOutput.join('')).toContain(farm.miners[1]!.address);

    await core.close();
    // The markers were really used: the store holds them (and only the store may).
    const stored = await core.credentials.scopes();
    expect(stored.length).toBeGreaterThan(0);

    const haystacks: Array<[string, Buffer | string]> = [
      ...filesUnder(dataDir).map((f) => [f, fs.readFileSync(f)] as [string, Buffer]),
      ['contract messages', received.join('\n')],
      ['cli output', cliOutput.join('')],
    ];
    expect(filesUnder(dataDir).some((f) => f.endsWith('.db'))).toBe(true);
    expect(filesUnder(dataDir).some((f) => f.includes('logs'))).toBe(true);
    expect(received.length).toBeGreaterThan(10);
    const hits: string[] = [];
    for (const [name, hay] of haystacks) {
      const text = Buffer.isBuffer(hay) ? hay.toString('latin1') : hay;
      for (const secret of [MARKER, MARKER2]) {
        for (const form of [
          secret,
          Buffer.from(secret, 'utf16le').toString('latin1'),
          encodeURIComponent(secret),
        ]) {
          if (text.includes(form)) hits.push(`${name}: ${secret}`);
        }
      }
    }
    expect(hits).toEqual([]);
  }, 90_000);
});
