import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../electron/core/store/index.js';
import { decodeChains } from '../../../electron/core/store/codec.js';

const writer = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hashwatch-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 10, 2, 12, 0, 0);
const MINERS = 200;

/** Run the writer until it has acknowledged `acks` cycles, then SIGKILL it; resolves with the last ack. */
function writeAndKill(path: string, acks: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, path, String(MINERS), String(T0)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let last = -1;
    let buf = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) last = Number(l);
      if (last + 1 >= acks && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited on its own: ${stderr}`));
      else resolve(last);
    });
  });
}

describe('store: kill -9 during writes', () => {
  it('reopens with integrity ok and every acknowledged cycle intact (at most the last one lost)', async () => {
    const path = join(dir, 'crash.db');
    for (const acks of [30, 75]) {
      const lastAck = await writeAndKill(path, acks);
      expect(lastAck).toBeGreaterThanOrEqual(acks - 1);

      const store = openStore({ path });
      expect(store.integrityCheck()).toBe('ok');
      store.close();

      const db = new Database(path, { readonly: true });
      const cycles = db
        .prepare('SELECT blk * 60 + s AS ts, count(*) AS n FROM telemetry GROUP BY blk, s ORDER BY blk, s')
        .all() as Array<{ ts: number; n: number }>;
      // Each poll's chains are packed in its telemetry row: a cycle's rows carry all of them or none.
      db.function('nchains', (b: unknown) => (b instanceof Uint8Array ? decodeChains(b).length : 0));
      const chains = db
        .prepare(
          'SELECT blk * 60 + s AS ts, sum(nchains(chains)) AS n FROM telemetry GROUP BY blk, s ORDER BY blk, s',
        )
        .all() as Array<{ ts: number; n: number }>;
      db.close();
      // Cycles are all-or-nothing and contiguous from the first one.
      const written = cycles.length;
      expect(cycles.every((c, k) => c.n === MINERS && c.ts === T0 / 1000 + k * 10)).toBe(true);
      expect(chains.every((c) => c.n === 3 * MINERS)).toBe(true);
      expect(chains).toHaveLength(written);
      // Each run restarts at cycle 0 (same timestamps, replaced), so the count covers the longest run.
      expect(written).toBeGreaterThanOrEqual(lastAck + 1);
      expect(written).toBeLessThanOrEqual(lastAck + 2);
    }
  }, 60_000);
});
