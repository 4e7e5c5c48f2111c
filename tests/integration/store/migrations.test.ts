import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, openStore, SCHEMA_VERSION } from '../../../electron/core/store/index.js';
import { HashwatchError } from '../../../shared/errors.js';
import { macOf, manualClock, okResult } from '../../fixtures/store/snapshots.js';

const T0 = Date.UTC(2026, 10, 2, 12, 0, 0);
let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hashwatch-store-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('store migrations', () => {
  it('creates a fresh database in WAL mode at the current schema, and reopens it unchanged', () => {
    const path = join(dir, 'not-yet', 'fresh.db'); // the data directory may not exist yet
    const clock = manualClock(T0);
    const store = openStore({ path, clock });
    store.writeCycle([okResult(1, T0)]);
    store.close();
    const raw = new Database(path);
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    const again = openStore({ path, clock });
    expect(again.listMiners().map((m) => m.id)).toEqual([macOf(1)]);
    expect(again.history({ minerId: macOf(1), from: T0, to: T0, resolution: 'raw' }).points).toHaveLength(1);
    expect(again.integrityCheck()).toBe('ok');
    again.close();
  });

  it('upgrades a database written by the v1 schema and keeps its data', () => {
    const path = join(dir, 'v1.db');
    const v1 = new Database(path);
    v1.pragma('journal_mode = WAL');
    v1.exec(MIGRATIONS[0]!.sql);
    v1.pragma('user_version = 1');
    const minute = Math.floor(T0 / 60_000);
    v1.prepare(
      `INSERT INTO miners (key, id, mac, address, model, firmware, labels, first_seen_at, last_seen_at)
       VALUES (?, ?, ?, ?, 'S19', 'vnish 1.2.5', '{"site":"north"}', ?, ?)`,
    ).run(1, macOf(1), macOf(1), '10.0.0.2', T0 - 86_400_000, T0);
    v1.prepare(
      `INSERT INTO miners (key, id, mac, address, first_seen_at) VALUES (2, ?, ?, '10.0.0.3', ?)`,
    ).run(macOf(2), macOf(2), T0);
    v1.prepare(
      `INSERT INTO miner_addresses (miner, from_at, to_at, address) VALUES (1, ?, NULL, '10.0.0.2')`,
    ).run(T0 - 86_400_000);
    const rollup = v1.prepare(
      `INSERT INTO rollup_1m (q, miner, m, n, on_n, offline_s, hr_avg, hr_min, hr_max, pw_avg, pw_min, pw_max, chip_max, pcb_max)
       VALUES (?, ?, ?, 6, 6, 0, ?, ?, ?, ?, ?, ?, 750, 650)`,
    );
    // Ten minutes of 1m rollups for two miners, as an older build would have written them.
    for (let b = minute - 10; b < minute; b++) {
      rollup.run(Math.floor(b / 15), 1, b % 15, 100_000, 99_000, 101_000, 3_000, 2_990, 3_010);
      rollup.run(Math.floor(b / 15), 2, b % 15, 50_000, 49_000, 51_000, 1_500, 1_490, 1_510);
    }
    v1.prepare(
      `INSERT INTO events (at, miner_id, kind, severity, message) VALUES (?, ?, 'state', 0, 'booted')`,
    ).run(T0 - 1000, macOf(1));
    v1.prepare(`INSERT INTO settings (key, value) VALUES ('poll.intervalS', '10')`).run();
    v1.prepare(`INSERT INTO meta (key, value) VALUES ('r1m_next', ?)`).run(minute);
    v1.close();

    const store = openStore({ path, clock: manualClock(T0 + 30_000) });
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    check.close();

    expect(store.listMiners().map((m) => [m.id, m.model, m.labels])).toEqual([
      [macOf(1), 'S19', { site: 'north' }],
      [macOf(2), null, {}],
    ]);
    expect(store.getSetting('poll.intervalS')).toBe(10);
    expect(store.listEvents({ minerId: macOf(1) })[0]!.message).toBe('booted');
    const mine = store.history({ minerId: macOf(1), from: T0 - 600_000, to: T0 - 1, resolution: '1m' });
    expect(mine.points).toHaveLength(10);
    expect(mine.points[0]!.hashrateThs).toEqual({ avg: 100, min: 99, max: 101 });
    // v2 added the fleet series and backfilled it from the v1 rollups.
    const fleet = store.history({ from: T0 - 600_000, to: T0 - 1, resolution: '1m' });
    expect(fleet.points).toHaveLength(10);
    expect(fleet.points[0]).toMatchObject({ onlineCount: 2, offlineCount: 0 });
    expect(fleet.points[0]!.hashrateThs.avg).toBe(150);
    expect(fleet.points[0]!.powerW.avg).toBe(4500);
    expect(fleet.points[0]!.efficiencyJth.avg).toBe(30);

    // And the upgraded database takes new data.
    store.writeCycle([okResult(1, T0 + 20_000)]);
    expect(store.history({ from: T0, to: T0 + 60_000, resolution: 'raw' }).points).toHaveLength(1);
    expect(store.integrityCheck()).toBe('ok');
    store.close();
  });

  it('upgrades a v2 database: its per-chain rows stay readable next to the packed chains of new polls', () => {
    const path = join(dir, 'v2.db');
    const v2 = new Database(path);
    v2.pragma('journal_mode = WAL');
    v2.exec(MIGRATIONS[0]!.sql);
    v2.exec(MIGRATIONS[1]!.sql);
    v2.pragma('user_version = 2');
    v2.prepare(
      `INSERT INTO miners (key, id, mac, address, first_seen_at, last_seen_at) VALUES (1, ?, ?, '10.0.0.2', ?, ?)`,
    ).run(macOf(1), macOf(1), T0 - 60_000, T0 - 10_000);
    // One poll as a v2 build stored it, 10 s before the upgrade: a telemetry row and two chain rows.
    const sec = (T0 - 10_000) / 1000;
    const blk = Math.floor(sec / 60);
    v2.prepare(
      `INSERT INTO telemetry (blk, miner, s, state, hr, power) VALUES (?, 1, ?, 0, 200000, 3300)`,
    ).run(blk, sec - blk * 60);
    const chain = v2.prepare(
      `INSERT INTO chain_telemetry (blk, miner, s, chain, state, hr, power, freq, volt, chip_t, pcb_t)
       VALUES (?, 1, ?, ?, 0, 100000, 1650, 525, 13600, ?, 600)`,
    );
    chain.run(blk, sec - blk * 60, 1, 710);
    chain.run(blk, sec - blk * 60, 0, 700);
    v2.close();

    const store = openStore({ path, clock: manualClock(T0 + 30_000) });
    store.writeCycle([okResult(1, T0)]);
    const points = store.chainHistory({ minerId: macOf(1), from: T0 - 60_000, to: T0 + 1000 });
    // The old poll's chains (as written, in chain order), then the new poll's three.
    expect(points.map((p) => [p.t, p.chain])).toEqual([
      [T0 - 10_000, 0],
      [T0 - 10_000, 1],
      [T0, 0],
      [T0, 1],
      [T0, 2],
    ]);
    expect(points[1]).toMatchObject({ hashrateThs: 100, powerW: 1650, chipTempMaxC: 71, pcbTempMaxC: 60 });
    const snap = okResult(1, T0).snapshot!;
    expect(points.slice(2).map((p) => [p.chain, p.chipTempMaxC, p.hashrateThs])).toEqual(
      // Stored in GH/s: a poll's TH/s comes back to three decimals.
      snap.chains.map((c) => [c.id, c.chipTempMaxC, Math.round(c.hashrateThs! * 1000) / 1000]),
    );
    expect(store.integrityCheck()).toBe('ok');
    store.close();
  });

  it('refuses a database from a newer version and leaves the file byte-identical', () => {
    const path = join(dir, 'newer.db');
    const store = openStore({ path, clock: manualClock(T0) });
    store.writeCycle([okResult(1, T0)]);
    store.close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const before = sha(path);
    const files = readdirSync(dir).sort();

    let error: unknown;
    try {
      openStore({ path });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HashwatchError);
    expect((error as HashwatchError).code).toBe('Conflict');
    expect((error as HashwatchError).message).toMatch(/newer version of Hashwatch.*not modified/);
    expect(sha(path)).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(files);
  });

  it('refuses a newer database whose header is still in its WAL, without touching the main file', () => {
    const path = join(dir, 'newer-wal.db');
    openStore({ path, clock: manualClock(T0) }).close();
    const writer = new Database(path);
    writer.pragma('wal_autocheckpoint = 0');
    writer.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    const before = sha(path);
    try {
      expect(() => openStore({ path })).toThrow(/schema v7|newer version/);
      expect(sha(path)).toBe(before);
    } finally {
      writer.close();
    }
  });

  it('refuses a file that is not a Hashwatch database, untouched', () => {
    const path = join(dir, 'notes.db');
    writeFileSync(path, 'these are my notes, not a database\n'.repeat(10));
    const before = sha(path);
    expect(() => openStore({ path })).toThrow(/not an SQLite database/);
    expect(sha(path)).toBe(before);

    const other = join(dir, 'other.db');
    const foreign = new Database(other);
    foreign.exec('CREATE TABLE recipes (name TEXT)');
    foreign.close();
    const otherBefore = sha(other);
    expect(() => openStore({ path: other })).toThrow(/did not create/);
    expect(sha(other)).toBe(otherBefore);
  });
});
