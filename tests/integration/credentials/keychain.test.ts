/**
 * The credential store against a real OS keychain: gnome-keyring under its own D-Bus session
 * (dbus-run-session), in a throwaway HOME, exactly as CI runs it. Also: without keytar, and without
 * any D-Bus session, every write fails with KeychainUnavailable and the secret lands in no file.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const script = path.join(here, 'keychain-script.ts');
const tsx = import.meta.resolve('tsx');
const onLinux = process.platform === 'linux';

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempHome(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-keychain-'));
  temps.push(dir);
  fs.mkdirSync(path.join(dir, 'run'), { mode: 0o700 });
  fs.mkdirSync(path.join(dir, 'tmp'));
  return dir;
}

/** An environment that points every per-user location into `home` and has no D-Bus or display. */
function isolatedEnv(home: string, marker: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const k of ['PATH', 'LANG', 'NODE_OPTIONS']) if (process.env[k]) env[k] = process.env[k];
  return {
    ...env,
    HOME: home,
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_RUNTIME_DIR: path.join(home, 'run'),
    TMPDIR: path.join(home, 'tmp'),
    HW_MARKER: marker,
    HW_SERVICE: 'hashwatch',
  };
}

function run(
  argv: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

function lastJson(out: string): Record<string, unknown> {
  const line = out.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as Record<string, unknown>;
}

/** Every regular file under `dir` whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

const nodeArgs = ['--import', tsx, script];

describe.runIf(onLinux)('the keytar credential store on a real keychain', () => {
  it('sets, resolves, lists and deletes passwords in gnome-keyring, and keeps none in plaintext', async () => {
    const home = tempHome();
    const marker = `hw-marker-${process.pid}-${Date.now()}`;
    const inner = `echo -n unlock-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$0" "$@"`;
    const r = await run(
      ['dbus-run-session', '--', 'sh', '-c', inner, process.execPath, ...nodeArgs, 'roundtrip'],
      isolatedEnv(home, marker),
      home,
    );
    expect(r.code, r.err).toBe(0);
    const out = lastJson(r.out);
    expect(out.status).toMatchObject({ available: true });
    expect(out.setFarm).toMatchObject({ ok: true, value: 'farm' });
    expect(out.setRange).toMatchObject({ ok: true, value: 'range:127.0.8.0/22' });
    expect(out.setMiner).toMatchObject({ ok: true, value: 'miner:aa:bb:cc:dd:ee:01' });
    expect(out.list).toEqual(['farm', 'miner:aa:bb:cc:dd:ee:01', 'range:127.0.8.0/22']);
    expect(out.resolved).toEqual({
      miner: `${marker}-miner`,
      range: `${marker}-range`,
      farm: `${marker}-farm`,
    });
    expect(out.farmAfterReplace).toBe(`${marker}-farm2`);
    expect(out.deleteMiner).toEqual({ scope: 'miner:aa:bb:cc:dd:ee:01', removed: true });
    expect(out.deleteAgain).toEqual({ scope: 'miner:aa:bb:cc:dd:ee:01', removed: false });
    expect(out.afterDelete).toBe(`${marker}-range`);
    expect(out.listAfterDelete).toEqual(['farm', 'range:127.0.8.0/22']);
    expect(out.freshList).toEqual(['farm', 'range:127.0.8.0/22']);
    expect(out.finalList).toEqual([]);
    // gnome-keyring kept them in this HOME (so the real keychain was used), encrypted: no file in HOME
    // holds a secret in clear.
    expect(fs.readdirSync(path.join(home, '.local', 'share', 'keyrings')).length).toBeGreaterThan(0);
    expect(filesContaining(home, marker)).toEqual([]);
  });

  it('refuses every write without keytar, and writes the secret nowhere', async () => {
    const home = tempHome();
    const marker = `hw-marker-nokeytar-${process.pid}`;
    const r = await run([process.execPath, ...nodeArgs, 'no-keytar'], isolatedEnv(home, marker), home);
    expect(r.code, r.err).toBe(0);
    const out = lastJson(r.out);
    for (const k of ['set', 'setMiner', 'del']) {
      expect(out[k]).toMatchObject({ ok: false, error: { code: 'KeychainUnavailable' } });
      expect((out[k] as { error: { message: string } }).error.message).toMatch(/install|unlock/i);
    }
    expect(out.direct).toMatchObject({ ok: false, code: 'KeychainUnavailable' });
    expect(out.list).toMatchObject({ ok: true, value: { scopes: [], keychain: { available: false } } });
    expect(r.out).not.toContain(marker);
    expect(r.err).not.toContain(marker);
    expect(filesContaining(home, marker)).toEqual([]);
  });

  it('reports the keychain unavailable when keytar loads but no D-Bus session answers', async () => {
    const home = tempHome();
    const marker = `hw-marker-nodbus-${process.pid}`;
    const r = await run([process.execPath, ...nodeArgs, 'probe'], isolatedEnv(home, marker), home);
    expect(r.code, r.err).toBe(0);
    const out = lastJson(r.out);
    expect(out.status).toMatchObject({ available: false });
    expect(out.set).toMatchObject({ ok: false, code: 'KeychainUnavailable' });
    expect(r.out).not.toContain(marker);
    expect(filesContaining(home, marker)).toEqual([]);
  });
});
