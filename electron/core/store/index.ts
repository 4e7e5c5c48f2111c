/**
 * The local history store (SQLite via better-sqlite3): miners, telemetry, events, rollups, settings.
 *
 * Hashwatch keeps everything on the workstation so the farm works with the internet down, and this history
 * is the advisor's feature store. The poller hands over each cycle's results in one call (one transaction);
 * charts, CSV export, alerts and the advisor read through the same object. All statements are prepared once.
 * Nothing secret is ever stored here: credentials live in the OS keychain.
 */
import { existsSync, statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { HashwatchError } from '../../../shared/errors.js';
import { efficiencyJth, type MinerSnapshot } from '../../../shared/miner.js';
import { systemClock } from '../clock.js';
import {
  decodeChains,
  decodeChainState,
  EFF_SCALE,
  encodeChains,
  encodeError,
  encodeMinerState,
  FAILURE_CODE,
  HR_SCALE,
  OFFLINE_CODE,
  SEVERITIES,
  TEMP_SCALE,
  fromInt,
  toInt,
  type StoredChain,
} from './codec.js';
import { createHistoryReader, CSV_SLICE_MS, downsample } from './history.js';
import { createMaintainer } from './maintain.js';
import { startCheckpointer } from './checkpointer.js';
import { openDatabase } from './open.js';
import { csvHeader, csvLine } from './csv.js';
import type {
  CsvQuery,
  HistoryPoint,
  MinerUpsert,
  PollResult,
  RetentionPolicy,
  StoredEvent,
  StoredMiner,
  Store,
  StoreOptions,
} from './types.js';

export type * from './types.js';
export { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';

/** Default retention: raw 48 h, 1-minute rollups 30 days, 15-minute rollups 2 years. */
export const DEFAULT_RETENTION: RetentionPolicy = {
  rawHours: 48,
  oneMinuteDays: 30,
  fifteenMinuteDays: 730,
  eventDays: 730,
};

/** Setting keys that look like secrets are refused: the keychain is the only place for them. */
const SECRET_KEY = /pass(word|wd|phrase)?|secret|token|credential|api[-_]?key|private[-_]?key/i;
/** JSON replacer for event data: a secret-looking field is never written, whoever built the event. */
const dropSecrets = (key: string, value: unknown): unknown =>
  key !== '' && SECRET_KEY.test(key) && value !== null && value !== undefined ? '[redacted]' : value;
/** `miners.last_seen_at` is persisted at most this often per miner (the in-memory value is always exact). */
const LAST_SEEN_PERSIST_MS = 10 * 60_000;

interface MinerEntry {
  key: number;
  id: string;
  mac: string | null;
  address: string;
  model: string | null;
  firmware: string | null;
  lastSeenAt: number | null;
  lastSeenStored: number | null;
  /** Model and firmware as last seen in a snapshot (undefined = not seen since start). */
  snapModel?: string | null;
  snapFwName?: string | null;
  snapFwVersion?: string | null;
}

/** The latest state of one miner, for the fleet-wide series. */
interface FleetEntry {
  t: number;
  gap: number;
  online: boolean;
  failing: boolean;
  hr: number;
  nom: number;
  power: number;
  chip: number | null;
  pcb: number | null;
}

interface MinerRow {
  key: number;
  id: string;
  mac: string | null;
  address: string;
  model: string | null;
  firmware: string | null;
  labels: string;
  first_seen_at: number;
  last_seen_at: number | null;
}

const firmwareOf = (s: MinerSnapshot): string | null =>
  [s.firmware.name, s.firmware.version].filter((x) => x !== null && x !== '').join(' ') || null;

function checkRetention(r: RetentionPolicy): RetentionPolicy {
  for (const [k, v] of Object.entries(r)) {
    if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) {
      throw new HashwatchError('ValidationError', `Retention ${k} must be a positive number.`);
    }
  }
  return r;
}

function checkLabels(labels: Record<string, string>): string {
  for (const [k, v] of Object.entries(labels)) {
    if (typeof v !== 'string') throw new HashwatchError('ValidationError', `Label ${k} must be a string.`);
  }
  return JSON.stringify(labels);
}

/** Fleet-wide samples are written at most this often, ms. */
const FLEET_SAMPLE_MS = 1000;

/** Open the store at `opts.path`: migrate an older schema, refuse a newer one untouched. */
export function openStore(opts: StoreOptions): Store {
  const clock = opts.clock ?? systemClock;
  let policy = checkRetention({
    ...DEFAULT_RETENTION,
    eventDays: opts.retention?.fifteenMinuteDays ?? DEFAULT_RETENTION.eventDays,
    ...opts.retention,
  });
  const db: Database.Database = openDatabase(opts.path);
  const checkpointer =
    opts.checkpointOnWorker === false ? null : startCheckpointer(db, opts.path, { onError: opts.onError });

  const s = {
    minerById: db.prepare<[string], MinerRow>('SELECT * FROM miners WHERE id = ?'),
    minerByMac: db.prepare<[string], MinerRow>('SELECT * FROM miners WHERE mac = ?'),
    allMiners: db.prepare<[], MinerRow>('SELECT * FROM miners ORDER BY key'),
    insertMiner: db.prepare<[string, string | null, string, string | null, string | null, string, number]>(
      `INSERT INTO miners (id, mac, address, model, firmware, labels, first_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    setIdentity: db.prepare<[string, string | null, number]>(
      'UPDATE miners SET id = ?, mac = ? WHERE key = ?',
    ),
    setAddress: db.prepare<[string, number]>('UPDATE miners SET address = ? WHERE key = ?'),
    setModel: db.prepare<[string | null, string | null, number]>(
      'UPDATE miners SET model = ?, firmware = ? WHERE key = ?',
    ),
    setLabels: db.prepare<[string, number]>('UPDATE miners SET labels = ? WHERE key = ?'),
    setLastSeen: db.prepare<[number, number]>('UPDATE miners SET last_seen_at = ? WHERE key = ?'),
    deleteMiner: db.prepare<[number]>('DELETE FROM miners WHERE key = ?'),
    closeAddress: db.prepare<[number, number]>(
      'UPDATE miner_addresses SET to_at = ? WHERE miner = ? AND to_at IS NULL',
    ),
    openAddress: db.prepare<[number, number, string]>(
      'INSERT OR REPLACE INTO miner_addresses (miner, from_at, to_at, address) VALUES (?, ?, NULL, ?)',
    ),
    addresses: db.prepare<[], { miner: number; from_at: number; to_at: number | null; address: string }>(
      'SELECT miner, from_at, to_at, address FROM miner_addresses ORDER BY miner, from_at',
    ),
    telemetry: db.prepare(
      `INSERT OR REPLACE INTO telemetry (blk, miner, s, state, err, hr, hr_avg, hr_nom, power, eff, chip_t, pcb_t,
        fan_min, throttle, hw_err, acc, rej, chains) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    fleet: db.prepare(
      `INSERT OR REPLACE INTO fleet_telemetry (t, miners, online, offline, failing, hr, nom, power, chip_max, pcb_max)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    recentRaw: db.prepare<
      [number],
      {
        miner: number;
        ts: number;
        state: number;
        hr: number | null;
        hr_nom: number | null;
        power: number | null;
        chip_t: number | null;
        pcb_t: number | null;
      }
    >(
      'SELECT miner, blk * 60 + s AS ts, state, hr, hr_nom, power, chip_t, pcb_t FROM telemetry WHERE blk >= ? ORDER BY blk, miner, s',
    ),
    insertEvent: db.prepare<[number, string | null, string, number, string, string | null]>(
      'INSERT INTO events (at, miner_id, kind, severity, message, data) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    chains: db.prepare<[number, number, number, number, number], { ts: number; chains: Buffer }>(
      `WITH RECURSIVE bs(x) AS (SELECT ? UNION ALL SELECT x + 1 FROM bs WHERE x < ?)
       SELECT blk * 60 + s AS ts, chains
       FROM bs CROSS JOIN telemetry ON telemetry.blk = bs.x AND telemetry.miner = ?
       WHERE blk * 60 + s BETWEEN ? AND ? AND chains IS NOT NULL ORDER BY blk, s`,
    ),
    // Rows a schema-v2 build wrote, one per chain, until retention drops them.
    legacyChains: db.prepare<[number, number, number, number, number], StoredChain & { ts: number }>(
      `WITH RECURSIVE bs(x) AS (SELECT ? UNION ALL SELECT x + 1 FROM bs WHERE x < ?)
       SELECT blk * 60 + s AS ts, chain, state, hr, power, freq, volt, chip_t, pcb_t
       FROM bs CROSS JOIN chain_telemetry ON chain_telemetry.blk = bs.x AND chain_telemetry.miner = ?
       WHERE blk * 60 + s BETWEEN ? AND ? ORDER BY blk, s, chain`,
    ),
    getSetting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
    setSetting: db.prepare<[string, string]>('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)'),
    deleteSetting: db.prepare<[string]>('DELETE FROM settings WHERE key = ?'),
  };

  // In-memory identity cache: writeCycle resolves ids without touching SQLite in the common case.
  const byId = new Map<string, MinerEntry>();
  const byKey = new Map<number, MinerEntry>();
  const fleet = new Map<number, FleetEntry>();
  const remember = (r: MinerRow): MinerEntry => {
    const e: MinerEntry = {
      key: r.key,
      id: r.id,
      mac: r.mac,
      address: r.address,
      model: r.model,
      firmware: r.firmware,
      lastSeenAt: r.last_seen_at,
      lastSeenStored: r.last_seen_at,
    };
    byId.set(e.id, e);
    byKey.set(e.key, e);
    return e;
  };
  for (const r of s.allMiners.all()) remember(r);

  // Seed the fleet series from the last few minutes of raw data, so a restart does not show a dip.
  {
    let prev: { miner: number; ts: number } | null = null;
    for (const r of s.recentRaw.iterate(Math.floor(clock.now() / 60_000) - 5)) {
      const gap = prev && prev.miner === r.miner ? (r.ts - prev.ts) * 1000 : 60_000;
      const online = r.state !== OFFLINE_CODE;
      fleet.set(r.miner, {
        t: r.ts * 1000,
        gap,
        online,
        failing: online && r.state === FAILURE_CODE,
        hr: r.hr ?? 0,
        nom: r.hr_nom ?? 0,
        power: r.power ?? 0,
        chip: r.chip_t,
        pcb: r.pcb_t,
      });
      const e = byKey.get(r.miner);
      if (e && online && (e.lastSeenAt === null || r.ts * 1000 > e.lastSeenAt)) e.lastSeenAt = r.ts * 1000;
      prev = r;
    }
  }

  const eventQueries = new Map<string, Database.Statement>();
  const maintainer = createMaintainer(db, clock, () => policy);
  const reader = createHistoryReader(db, clock, () => policy, maintainer.watermarks);

  const moveAddress = (e: MinerEntry, address: string, at: number) => {
    s.closeAddress.run(at, e.key);
    s.openAddress.run(e.key, at, address);
    s.setAddress.run(address, e.key);
    e.address = address;
  };

  /** Find or create the row for an inventory id; a MAC seen for the first time adopts its `addr:` row. */
  const resolve = (id: string, mac: string | null, address: string, at: number): MinerEntry => {
    const cached = byId.get(id);
    if (cached) return cached;
    let row = s.minerById.get(id) ?? (mac ? s.minerByMac.get(mac) : undefined);
    if (!row && mac) {
      const anon = s.minerById.get(`addr:${address}`);
      if (anon && anon.mac === null) row = anon;
    }
    if (row) {
      if (row.id !== id || (mac !== null && row.mac !== mac)) {
        byId.delete(row.id);
        s.setIdentity.run(id, mac ?? row.mac, row.key);
        row = { ...row, id, mac: mac ?? row.mac };
      }
      return remember(row);
    }
    const key = Number(s.insertMiner.run(id, mac, address, null, null, '{}', at).lastInsertRowid);
    s.openAddress.run(key, at, address);
    return remember({
      key,
      id,
      mac,
      address,
      model: null,
      firmware: null,
      labels: '{}',
      first_seen_at: at,
      last_seen_at: null,
    });
  };

  const touch = (e: MinerEntry, r: PollResult) => {
    if (e.address !== r.address) moveAddress(e, r.address, r.at);
    if (r.mac !== null && e.mac !== r.mac && e.mac === null && !s.minerByMac.get(r.mac)) {
      s.setIdentity.run(e.id, r.mac, e.key);
      e.mac = r.mac;
    }
    const snap = r.snapshot;
    if (!snap) return;
    // Cheap identity check first: building the firmware string for every miner every cycle is waste.
    if (
      snap.model !== e.snapModel ||
      snap.firmware.name !== e.snapFwName ||
      snap.firmware.version !== e.snapFwVersion
    ) {
      e.snapModel = snap.model;
      e.snapFwName = snap.firmware.name;
      e.snapFwVersion = snap.firmware.version;
      const fw = firmwareOf(snap);
      if ((snap.model !== null && snap.model !== e.model) || (fw !== null && fw !== e.firmware)) {
        e.model = snap.model ?? e.model;
        e.firmware = fw ?? e.firmware;
        s.setModel.run(e.model, e.firmware, e.key);
      }
    }
    if (e.lastSeenAt === null || r.at > e.lastSeenAt) e.lastSeenAt = r.at;
    if (e.lastSeenStored === null || r.at - e.lastSeenStored >= LAST_SEEN_PERSIST_MS) {
      s.setLastSeen.run(r.at, e.key);
      e.lastSeenStored = r.at;
    }
  };

  /** Writes one poll's rows and updates `f`, the miner's entry in the fleet series, in place. */
  const writeTelemetry = (key: number, r: PollResult, f: FleetEntry): void => {
    const sec = Math.floor(r.at / 1000);
    const blk = Math.floor(sec / 60);
    const off = sec - blk * 60;
    const snap = r.snapshot;
    if (!snap) {
      s.telemetry.run(
        blk,
        key,
        off,
        OFFLINE_CODE,
        r.error ? encodeError(r.error.code) : null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
      );
      f.t = r.at;
      f.online = false;
      f.failing = false;
      f.hr = 0;
      f.nom = 0;
      f.power = 0;
      f.chip = null;
      f.pcb = null;
      return;
    }
    let fanMin: number | null = null;
    for (const f of snap.fans) if (f.rpm !== null && (fanMin === null || f.rpm < fanMin)) fanMin = f.rpm;
    let acc: number | null = null;
    let rej: number | null = null;
    for (const p of snap.pools) {
      if (p.accepted !== null) acc = (acc ?? 0) + p.accepted;
      if (p.rejected !== null) rej = (rej ?? 0) + p.rejected;
    }
    const hr = toInt(snap.hashrateThs, HR_SCALE);
    const nom = toInt(snap.nominalThs, HR_SCALE);
    const power = toInt(snap.powerW, 1);
    const chip = toInt(snap.chipTempMaxC, TEMP_SCALE);
    const pcb = toInt(snap.pcbTempMaxC, TEMP_SCALE);
    const state = encodeMinerState(snap.state);
    s.telemetry.run(
      blk,
      key,
      off,
      state,
      r.error ? encodeError(r.error.code) : null,
      hr,
      toInt(snap.hashrateAvgThs, HR_SCALE),
      nom,
      power,
      toInt(snap.efficiencyJth ?? efficiencyJth(snap.powerW, snap.hashrateThs), EFF_SCALE),
      chip,
      pcb,
      toInt(fanMin, 1),
      toInt(snap.throttlePct, 1),
      toInt(snap.hwErrors, 1),
      toInt(acc, 1),
      toInt(rej, 1),
      encodeChains(snap.chains),
    );
    f.t = r.at;
    f.online = true;
    f.failing = state === FAILURE_CODE;
    f.hr = hr ?? 0;
    f.nom = nom ?? 0;
    f.power = power ?? 0;
    f.chip = chip;
    f.pcb = pcb;
  };

  let lastFleetSampleAt = -Infinity;

  /** One fleet-wide sample from the latest state of every miner; stale data counts as offline, never live. */
  const writeFleetSample = (t: number) => {
    let online = 0;
    let offline = 0;
    let failing = 0;
    let hr = 0;
    let nom = 0;
    let power = 0;
    let chip: number | null = null;
    let pcb: number | null = null;
    for (const f of fleet.values()) {
      const fresh = t - f.t <= Math.max(2.5 * f.gap, 30_000);
      if (!f.online || !fresh) {
        offline++;
        continue;
      }
      online++;
      if (f.failing) failing++;
      hr += f.hr;
      nom += f.nom;
      power += f.power;
      if (f.chip !== null && (chip === null || f.chip > chip)) chip = f.chip;
      if (f.pcb !== null && (pcb === null || f.pcb > pcb)) pcb = f.pcb;
    }
    s.fleet.run(t, fleet.size, online, offline, failing, hr, nom, power, chip, pcb);
  };

  const writeCycleTx = db.transaction((results: PollResult[]) => {
    let latest = -Infinity;
    for (const r of results) {
      const e = resolve(r.id, r.mac, r.address, r.at);
      touch(e, r);
      // One entry per miner, updated in place: at 2,000 polls a second a fresh object per poll is
      // garbage the collector must first copy, then promote, then sweep.
      let f = fleet.get(e.key);
      const gap = f && r.at > f.t ? r.at - f.t : (f?.gap ?? 60_000);
      if (!f) {
        f = { t: r.at, gap, online: false, failing: false, hr: 0, nom: 0, power: 0, chip: null, pcb: null };
        fleet.set(e.key, f);
      }
      writeTelemetry(e.key, r, f);
      f.gap = gap;
      if (r.at > latest) latest = r.at;
    }
    // Cycles are short (a quarter second): one fleet-wide sample a second is plenty for the charts.
    // (A clock set back writes at once too, rather than nothing until it catches up.)
    const since = latest - lastFleetSampleAt;
    if (results.length > 0 && (since >= FLEET_SAMPLE_MS || since < 0)) {
      writeFleetSample(latest);
      lastFleetSampleAt = latest;
    }
  });

  const minerKey = (id: string): number => {
    const e = byId.get(id);
    if (!e) throw new HashwatchError('NotFound', `No stored miner ${id}.`);
    return e.key;
  };

  const store: Store = {
    writeCycle(results) {
      if (results.length === 0) return;
      for (const r of results) {
        if (!Number.isFinite(r.at) || r.at < 0 || typeof r.id !== 'string' || r.id === '') {
          throw new HashwatchError(
            'ValidationError',
            `Poll result for ${String(r.id)} has no valid id or time.`,
          );
        }
      }
      try {
        writeCycleTx(results);
      } catch (e) {
        // The transaction rolled back: forget cached identities it may have created.
        byId.clear();
        byKey.clear();
        for (const r of s.allMiners.all()) remember(r);
        throw e;
      }
    },

    upsertMiner(m) {
      const at = clock.now();
      db.transaction((u: MinerUpsert) => {
        const e = resolve(u.id, u.mac, u.address, at);
        if (e.address !== u.address) moveAddress(e, u.address, at);
        if (u.model !== undefined || u.firmware !== undefined) {
          e.model = u.model === undefined ? e.model : u.model;
          e.firmware = u.firmware === undefined ? e.firmware : u.firmware;
          s.setModel.run(e.model, e.firmware, e.key);
        }
        if (u.labels) s.setLabels.run(checkLabels(u.labels), e.key);
      })(m);
    },

    listMiners() {
      const history = new Map<number, StoredMiner['addressHistory']>();
      for (const a of s.addresses.iterate()) {
        let h = history.get(a.miner);
        if (!h) history.set(a.miner, (h = []));
        h.push({ address: a.address, from: a.from_at, to: a.to_at });
      }
      return s.allMiners.all().map((r) => ({
        id: r.id,
        mac: r.mac,
        address: r.address,
        model: r.model,
        firmware: r.firmware,
        labels: JSON.parse(r.labels) as Record<string, string>,
        firstSeenAt: r.first_seen_at,
        lastSeenAt: byKey.get(r.key)?.lastSeenAt ?? r.last_seen_at,
        addressHistory: history.get(r.key) ?? [],
      }));
    },

    setLabels(id, labels) {
      s.setLabels.run(checkLabels(labels), minerKey(id));
    },

    removeMiner(id) {
      const key = minerKey(id);
      s.deleteMiner.run(key);
      byId.delete(id);
      byKey.delete(key);
      fleet.delete(key);
    },

    appendEvents(events) {
      db.transaction(() => {
        for (const ev of events) {
          const sev = SEVERITIES.indexOf(ev.severity ?? 'info');
          if (sev < 0)
            throw new HashwatchError('ValidationError', `Unknown severity ${String(ev.severity)}.`);
          s.insertEvent.run(
            ev.at,
            ev.minerId,
            ev.kind,
            sev,
            ev.message,
            ev.data === undefined ? null : JSON.stringify(ev.data, dropSecrets),
          );
        }
      })();
    },

    listEvents(q) {
      const where: string[] = [];
      const args: Array<string | number> = [];
      if (q.from !== undefined) {
        where.push('at >= ?');
        args.push(q.from);
      }
      if (q.to !== undefined) {
        where.push('at <= ?');
        args.push(q.to);
      }
      if (q.minerId !== undefined) {
        where.push('miner_id = ?');
        args.push(q.minerId);
      }
      if (q.kinds && q.kinds.length > 0) {
        where.push(`kind IN (${q.kinds.map(() => '?').join(', ')})`);
        args.push(...q.kinds);
      }
      const dir = q.order === 'asc' ? 'ASC' : 'DESC';
      const sql =
        `SELECT id, at, miner_id, kind, severity, message, data FROM events` +
        (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
        ` ORDER BY at ${dir}, id ${dir} LIMIT ?`;
      args.push(q.limit !== undefined && q.limit >= 0 ? Math.floor(q.limit) : -1);
      let stmt = eventQueries.get(sql);
      if (!stmt) {
        // A handful of shapes (filters present or not, number of kinds): cache each once.
        if (eventQueries.size > 64) eventQueries.clear();
        stmt = db.prepare(sql);
        eventQueries.set(sql, stmt);
      }
      const rows = stmt.all(...args) as Array<{
        id: number;
        at: number;
        miner_id: string | null;
        kind: string;
        severity: number;
        message: string;
        data: string | null;
      }>;
      return rows.map((r): StoredEvent => ({
        id: r.id,
        at: r.at,
        minerId: r.miner_id,
        kind: r.kind,
        severity: SEVERITIES[r.severity] ?? 'info',
        message: r.message,
        data: r.data === null ? undefined : (JSON.parse(r.data) as unknown),
      }));
    },

    history(q) {
      return reader.series(q, q.minerId === undefined ? null : minerKey(q.minerId));
    },

    chainHistory(q) {
      const key = minerKey(q.minerId);
      if (!Number.isFinite(q.from) || !Number.isFinite(q.to) || q.from > q.to) {
        throw new HashwatchError('ValidationError', 'History range needs finite from <= to (ms).');
      }
      const fromS = Math.ceil(q.from / 1000);
      const toS = Math.floor(q.to / 1000);
      const args = [Math.floor(fromS / 60), Math.floor(toS / 60), key, fromS, toS] as const;
      const rows: Array<StoredChain & { ts: number }> = s.legacyChains.all(...args);
      for (const r of s.chains.all(...args)) {
        let chains: StoredChain[];
        try {
          chains = decodeChains(r.chains);
        } catch (e) {
          throw new HashwatchError('Internal', `Stored chain data at ${r.ts} s is damaged: ${String(e)}`);
        }
        for (const c of chains) rows.push({ ...c, ts: r.ts });
      }
      // In time order, chains in id order within a poll, whichever of the two tables a poll is in.
      rows.sort((a, b) => a.ts - b.ts || a.chain - b.chain);
      return rows.map((r) => ({
        t: r.ts * 1000,
        chain: r.chain,
        state: decodeChainState(r.state),
        hashrateThs: fromInt(r.hr, HR_SCALE),
        powerW: r.power,
        frequencyMhz: r.freq,
        voltageMv: r.volt,
        chipTempMaxC: fromInt(r.chip_t, TEMP_SCALE),
        pcbTempMaxC: fromInt(r.pcb_t, TEMP_SCALE),
      }));
    },

    exportCsv(q: CsvQuery, write) {
      const key = q.minerId === undefined ? null : minerKey(q.minerId);
      if (!Number.isFinite(q.from) || !Number.isFinite(q.to) || q.from > q.to) {
        throw new HashwatchError('ValidationError', 'Export range needs finite from <= to (ms).');
      }
      const resolution = reader.pick(q);
      // Every stored miner's own series (fleet-wide export for spreadsheets), or one series.
      const series: Array<{ key: number | null; label: string }> =
        key === null && q.perMiner
          ? [...byKey.values()].sort((a, b) => a.key - b.key).map((e) => ({ key: e.key, label: e.id }))
          : [{ key, label: q.minerId ?? 'fleet' }];
      write(csvHeader());
      if (q.maxPoints) {
        // Downsampling needs a whole series; it is bounded by maxPoints anyway.
        for (const one of series) {
          const points = downsample(reader.read(one.key, resolution, q.from, q.to), q.maxPoints);
          writeLines(points, one.label, resolution, write);
        }
        return;
      }
      // Slice the range so memory stays bounded however long it is; slices align to buckets.
      const slice = CSV_SLICE_MS[resolution];
      let from = q.from;
      while (from <= q.to) {
        const end = Math.min(q.to, Math.floor(from / slice) * slice + slice - 1);
        for (const one of series)
          writeLines(reader.read(one.key, resolution, from, end), one.label, resolution, write);
        from = end + 1;
      }
    },

    maintain(o) {
      return maintainer.maintain(o?.maxRows ?? 10_000, o?.maxMs);
    },

    getSetting<T>(key: string): T | undefined {
      const r = s.getSetting.get(key);
      return r ? (JSON.parse(r.value) as T) : undefined;
    },

    setSetting(key, value) {
      if (SECRET_KEY.test(key)) {
        throw new HashwatchError(
          'ValidationError',
          `Setting "${key}" looks like a secret; secrets belong in the OS keychain.`,
        );
      }
      if (value === undefined) s.deleteSetting.run(key);
      else s.setSetting.run(key, JSON.stringify(value));
    },

    retention: () => ({ ...policy }),

    setRetention(r) {
      policy = checkRetention({ ...policy, ...r });
    },

    sizeBytes() {
      const pages = Number(db.pragma('page_count', { simple: true }));
      const size = Number(db.pragma('page_size', { simple: true }));
      const wal = `${opts.path}-wal`;
      const walBytes = opts.path !== ':memory:' && existsSync(wal) ? statSync(wal).size : 0;
      return pages * size + walBytes;
    },

    checkpointStats: () => checkpointer?.stats() ?? null,

    integrityCheck() {
      const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
      return rows.map((r) => r.integrity_check).join('\n');
    },

    close() {
      if (!db.open) return;
      db.transaction(() => {
        for (const e of byKey.values()) {
          if (e.lastSeenAt !== null && e.lastSeenAt !== e.lastSeenStored)
            s.setLastSeen.run(e.lastSeenAt, e.key);
        }
      })();
      db.pragma('optimize');
      checkpointer?.close();
      db.close();
    },
  };
  return store;
}

function writeLines(
  points: HistoryPoint[],
  miner: string,
  resolution: string,
  write: (chunk: string) => void,
) {
  const CHUNK = 500;
  for (let i = 0; i < points.length; i += CHUNK) {
    let out = '';
    for (const p of points.slice(i, i + CHUNK)) out += csvLine(p, miner, resolution);
    write(out);
  }
}
