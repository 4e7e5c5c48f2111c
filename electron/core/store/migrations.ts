/**
 * Versioned schema migrations for the Hashwatch database.
 *
 * The schema version lives in `PRAGMA user_version`. Migrations are append-only: a released migration is
 * never edited, a change is a new entry. Start-up upgrades an older database step by step, each step in one
 * transaction, and refuses a database written by a newer build (see `index.ts`), so a downgrade can never
 * silently corrupt data the newer build relies on.
 *
 * Layout rules (why the tables look the way they do):
 * - Miners are keyed by a small INTEGER (`miners.key`, AUTOINCREMENT so a removed miner's key is never
 *   reused by another miner while its old rows wait for retention).
 * - Time-series tables are WITHOUT ROWID and clustered by (time block, miner, offset in block): rows for one
 *   block are contiguous (rollups and pruning read or delete one contiguous range) and a miner's rows inside
 *   a block are adjacent (a per-miner chart is one short seek per block). Small blocks keep the pages a poll
 *   cycle dirties close to the bytes it writes.
 * - Values are scaled integers (GH/s, W, centi-J/TH, deci-degC): SQLite stores small integers in 1-3 bytes,
 *   a REAL always in 8.
 * - No column ever holds a secret: credentials live in the OS keychain.
 */

/** One schema step: `version` is the `user_version` after `sql` ran. */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

const rollupColumns = `
  n INTEGER NOT NULL,          -- samples in the bucket
  on_n INTEGER NOT NULL,       -- samples where the miner answered
  offline_s INTEGER NOT NULL,  -- seconds the miner did not answer
  hr_avg INTEGER, hr_min INTEGER, hr_max INTEGER,        -- GH/s
  nom_avg INTEGER,                                       -- GH/s
  pw_avg INTEGER, pw_min INTEGER, pw_max INTEGER,        -- W
  eff_avg INTEGER, eff_min INTEGER, eff_max INTEGER,     -- centi-J/TH
  chip_avg INTEGER, chip_min INTEGER, chip_max INTEGER,  -- deci-degC (hottest chip)
  pcb_avg INTEGER, pcb_min INTEGER, pcb_max INTEGER,     -- deci-degC (hottest board)
  fan_min INTEGER,                                       -- rpm, slowest fan
  thr_max INTEGER,                                       -- throttle percent
  -- counters (last value in the bucket): hardware errors, pool accepted / rejected
  hw_err INTEGER, acc INTEGER, rej INTEGER
`;

const fleetRollupColumns = `
  n INTEGER NOT NULL,
  miners_avg INTEGER,
  online_avg INTEGER, online_min INTEGER,       -- milli-miners for the average, miners for the minimum
  offline_avg INTEGER, offline_max INTEGER,
  hr_avg INTEGER, hr_min INTEGER, hr_max INTEGER,
  nom_avg INTEGER,
  pw_avg INTEGER, pw_min INTEGER, pw_max INTEGER,
  eff_avg INTEGER, eff_min INTEGER, eff_max INTEGER,
  chip_avg INTEGER, chip_min INTEGER, chip_max INTEGER,
  pcb_avg INTEGER, pcb_min INTEGER, pcb_max INTEGER
`;

/** Every migration, oldest first. Exported so tests can build a database exactly as an older build did. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'baseline: miners, address history, telemetry, chain telemetry, events, rollups, settings',
    sql: `
CREATE TABLE miners (
  key INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,            -- inventory id: MAC when known, else addr:<address>
  mac TEXT UNIQUE,
  address TEXT NOT NULL,
  model TEXT,
  firmware TEXT,
  labels TEXT NOT NULL DEFAULT '{}',  -- JSON object: site, row, rack...
  first_seen_at INTEGER NOT NULL,     -- ms
  last_seen_at INTEGER                -- ms of the last answer; NULL = never answered
);
CREATE TABLE miner_addresses (
  miner INTEGER NOT NULL REFERENCES miners(key) ON DELETE CASCADE,
  from_at INTEGER NOT NULL,           -- ms
  to_at INTEGER,                      -- ms; NULL = current address
  address TEXT NOT NULL,
  PRIMARY KEY (miner, from_at)
) WITHOUT ROWID;
CREATE TABLE telemetry (
  blk INTEGER NOT NULL,               -- minute since the epoch
  miner INTEGER NOT NULL,
  s INTEGER NOT NULL,                 -- second inside the minute
  state INTEGER NOT NULL,             -- state code (codec.ts)
  err INTEGER,                        -- error code when the poll failed
  hr INTEGER, hr_avg INTEGER, hr_nom INTEGER,  -- GH/s
  power INTEGER,                      -- W
  eff INTEGER,                        -- centi-J/TH
  chip_t INTEGER, pcb_t INTEGER,      -- deci-degC
  fan_min INTEGER,                    -- rpm
  throttle INTEGER,                   -- percent
  hw_err INTEGER, acc INTEGER, rej INTEGER,
  PRIMARY KEY (blk, miner, s)
) WITHOUT ROWID;
CREATE TABLE chain_telemetry (
  blk INTEGER NOT NULL,
  miner INTEGER NOT NULL,
  s INTEGER NOT NULL,
  chain INTEGER NOT NULL,
  state INTEGER NOT NULL,
  hr INTEGER, power INTEGER, freq INTEGER, volt INTEGER,  -- GH/s, W, MHz, mV
  chip_t INTEGER, pcb_t INTEGER,                          -- deci-degC
  PRIMARY KEY (blk, miner, s, chain)
) WITHOUT ROWID;
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,                -- ms
  miner_id TEXT,                      -- inventory id (kept as text so events outlive a removed miner)
  kind TEXT NOT NULL,
  severity INTEGER NOT NULL,          -- 0 info, 1 warning, 2 critical
  message TEXT NOT NULL,
  data TEXT                           -- JSON
);
CREATE INDEX events_at ON events(at);
CREATE INDEX events_miner_at ON events(miner_id, at) WHERE miner_id IS NOT NULL;
CREATE TABLE rollup_1m (
  q INTEGER NOT NULL,                 -- quarter hour since the epoch
  miner INTEGER NOT NULL,
  m INTEGER NOT NULL,                 -- minute inside the quarter (0-14)
  ${rollupColumns},
  PRIMARY KEY (q, miner, m)
) WITHOUT ROWID;
CREATE TABLE rollup_15m (
  d INTEGER NOT NULL,                 -- day since the epoch
  miner INTEGER NOT NULL,
  k INTEGER NOT NULL,                 -- quarter inside the day (0-95)
  ${rollupColumns},
  PRIMARY KEY (d, miner, k)
) WITHOUT ROWID;
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
`,
  },
  {
    version: 2,
    description:
      'fleet-wide series (raw, 1m, 15m) so fleet charts never scan every miner; backfilled from rollups',
    sql: `
CREATE TABLE fleet_telemetry (
  t INTEGER PRIMARY KEY,              -- ms
  miners INTEGER NOT NULL, online INTEGER NOT NULL, offline INTEGER NOT NULL, failing INTEGER NOT NULL,
  hr INTEGER NOT NULL, nom INTEGER NOT NULL, power INTEGER NOT NULL,  -- sums: GH/s, GH/s, W
  chip_max INTEGER, pcb_max INTEGER   -- deci-degC, hottest in the fleet
);
CREATE TABLE fleet_rollup_1m (b INTEGER PRIMARY KEY, ${fleetRollupColumns});
CREATE TABLE fleet_rollup_15m (b INTEGER PRIMARY KEY, ${fleetRollupColumns});
INSERT INTO fleet_rollup_1m (b, n, miners_avg, online_avg, online_min, offline_avg, offline_max,
  hr_avg, hr_min, hr_max, nom_avg, pw_avg, pw_min, pw_max, eff_avg, eff_min, eff_max,
  chip_avg, chip_min, chip_max, pcb_avg, pcb_min, pcb_max)
SELECT q * 15 + m, 1, count(*) * 1000, sum(on_n > 0) * 1000, sum(on_n > 0), sum(on_n = 0) * 1000, sum(on_n = 0),
  sum(hr_avg), sum(hr_avg), sum(hr_avg), sum(nom_avg), sum(pw_avg), sum(pw_avg), sum(pw_avg),
  CAST(round(sum(pw_avg) * 100000.0 / nullif(sum(hr_avg), 0)) AS INTEGER),
  CAST(round(sum(pw_avg) * 100000.0 / nullif(sum(hr_avg), 0)) AS INTEGER),
  CAST(round(sum(pw_avg) * 100000.0 / nullif(sum(hr_avg), 0)) AS INTEGER),
  max(chip_max), max(chip_max), max(chip_max), max(pcb_max), max(pcb_max), max(pcb_max)
FROM rollup_1m GROUP BY q, m;
INSERT INTO fleet_rollup_15m (b, n, miners_avg, online_avg, online_min, offline_avg, offline_max,
  hr_avg, hr_min, hr_max, nom_avg, pw_avg, pw_min, pw_max, eff_avg, eff_min, eff_max,
  chip_avg, chip_min, chip_max, pcb_avg, pcb_min, pcb_max)
SELECT d * 96 + k, 1, count(*) * 1000, sum(on_n > 0) * 1000, sum(on_n > 0), sum(on_n = 0) * 1000, sum(on_n = 0),
  sum(hr_avg), sum(hr_avg), sum(hr_avg), sum(nom_avg), sum(pw_avg), sum(pw_avg), sum(pw_avg),
  CAST(round(sum(pw_avg) * 100000.0 / nullif(sum(hr_avg), 0)) AS INTEGER),
  CAST(round(sum(pw_avg) * 100000.0 / nullif(sum(hr_avg), 0)) AS INTEGER),
  CAST(round(sum(pw_avg) * 100000.0 / nullif(sum(hr_avg), 0)) AS INTEGER),
  max(chip_max), max(chip_max), max(chip_max), max(pcb_max), max(pcb_max), max(pcb_max)
FROM rollup_15m GROUP BY d, k;
CREATE INDEX events_kind_at ON events(kind, at);
`,
  },
  {
    version: 3,
    description:
      "a poll's chains packed into one BLOB of its telemetry row (codec.ts encodeChains) instead of a row per chain; chain_telemetry keeps older rows until retention drops them",
    sql: `
ALTER TABLE telemetry ADD COLUMN chains BLOB;
`,
  },
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
