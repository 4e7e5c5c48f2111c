/**
 * A miner's latest snapshot, packed: one Float64Array for every number and one array of strings,
 * both rewritten in place poll after poll.
 *
 * The inventory keeps the latest snapshot of every miner for as long as the next poll (5-600 s). As a
 * `MinerSnapshot` that is ~20 objects and ~15 strings per miner, all new at every poll: at 10,000
 * miners every 5 s, several MB a second that outlive the young generation, get promoted and then make
 * the old generation grow between major collections (the poller's RSS was most of all that garbage).
 * Packed, a poll writes numbers into the same typed array and keeps the strings it already holds when
 * they did not change (a pool URL, a model name), so nothing new survives. Readers get a fresh
 * `MinerSnapshot` from `unpackSnapshot`, equal to the one packed.
 *
 * Numbers: null is NaN (a snapshot's numbers are finite or null); booleans are 1 / 0 / NaN; enums
 * are their index in the product's schema.
 */
import {
  ChainStateSchema,
  MinerStateSchema,
  PoolTypeSchema,
  type Chain,
  type ChainState,
  type Fan,
  type MinerSnapshot,
  type MinerState,
  type Pool,
} from '../../../shared/miner.js';

export interface PackedSnapshot {
  n: Float64Array;
  s: Array<string | null>;
}

const MINER_STATES = MinerStateSchema.options;
const CHAIN_STATES = ChainStateSchema.options;
const POOL_TYPES = PoolTypeSchema.options;
const MINER_STATE_CODE = new Map<string, number>(MINER_STATES.map((v, i) => [v, i]));
const CHAIN_STATE_CODE = new Map<string, number>(CHAIN_STATES.map((v, i) => [v, i]));
const POOL_TYPE_CODE = new Map<string, number>(POOL_TYPES.map((v, i) => [v, i]));

// Numbers: the top-level fields, then 2 per fan, 15 per chain, 4 per pool.
const TOP = 15;
const FAN = 2;
const CHAIN = 15;
const POOL = 4;
// Strings: the top-level fields, then 3 per pool.
const S_TOP = 11;
const S_POOL = 3;

const num = (v: number | null): number => (v === null ? NaN : v);
const out = (v: number): number | null => (Number.isNaN(v) ? null : v);
const flag = (v: boolean | null): number => (v === null ? NaN : v ? 1 : 0);
const unflag = (v: number): boolean | null => (Number.isNaN(v) ? null : v === 1);

/**
 * Epoch ms of an ISO time when `toISOString()` prints it back exactly (every time the core makes),
 * else null: then only the text itself can be kept.
 */
export function exactIsoMs(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) && new Date(ms).toISOString() === iso ? ms : null;
}

/** Keeps the string already held when equal, so a poll's copy of an unchanged string dies young. */
const put = (arr: Array<string | null>, i: number, v: string | null) => {
  if (arr[i] !== v) arr[i] = v;
};

/**
 * Packs `snap` into `into` when it has the same shape (the common case: rewritten in place), else into
 * a new packed snapshot. Returns the packed snapshot holding `snap`.
 */
export function packSnapshot(snap: MinerSnapshot, into?: PackedSnapshot | null): PackedSnapshot {
  const nFans = snap.fans.length;
  const nChains = snap.chains.length;
  const nPools = snap.pools.length;
  const nLen = TOP + nFans * FAN + nChains * CHAIN + nPools * POOL;
  const sLen = S_TOP + nPools * S_POOL;
  const p: PackedSnapshot =
    into && into.n.length === nLen && into.s.length === sLen
      ? into
      : { n: new Float64Array(nLen), s: new Array<string | null>(sLen).fill(null) };
  const n = p.n;
  const s = p.s;
  // The time as a number when it prints back the same; otherwise (never from the normaliser) as is.
  const polledAtMs = exactIsoMs(snap.polledAt);
  n[0] = num(snap.hashrateThs);
  n[1] = num(snap.hashrateAvgThs);
  n[2] = num(snap.nominalThs);
  n[3] = num(snap.powerW);
  n[4] = num(snap.efficiencyJth);
  n[5] = num(snap.chipTempMaxC);
  n[6] = num(snap.pcbTempMaxC);
  n[7] = num(snap.throttlePct);
  n[8] = num(snap.uptimeS);
  n[9] = num(snap.hwErrors);
  n[10] = MINER_STATE_CODE.get(snap.state) ?? MINER_STATE_CODE.get('unknown')!;
  n[11] = polledAtMs ?? NaN;
  n[12] = nFans;
  n[13] = nChains;
  n[14] = nPools;
  let o = TOP;
  for (const f of snap.fans) {
    n[o] = num(f.rpm);
    n[o + 1] = flag(f.ok);
    o += FAN;
  }
  for (const c of snap.chains) {
    n[o] = c.id;
    n[o + 1] = CHAIN_STATE_CODE.get(c.state) ?? CHAIN_STATE_CODE.get('unknown')!;
    n[o + 2] = num(c.hashrateThs);
    n[o + 3] = num(c.nominalThs);
    n[o + 4] = num(c.powerW);
    n[o + 5] = num(c.frequencyMhz);
    n[o + 6] = num(c.voltageMv);
    n[o + 7] = num(c.chipTempMaxC);
    n[o + 8] = num(c.pcbTempMaxC);
    n[o + 9] = c.chips === null ? 0 : 1;
    n[o + 10] = c.chips?.red ?? NaN;
    n[o + 11] = c.chips?.orange ?? NaN;
    n[o + 12] = c.chips?.grey ?? NaN;
    n[o + 13] = num(c.inletWaterC);
    n[o + 14] = num(c.outletWaterC);
    o += CHAIN;
  }
  for (const pl of snap.pools) {
    n[o] = num(pl.accepted);
    n[o + 1] = num(pl.rejected);
    n[o + 2] = num(pl.stale);
    n[o + 3] = POOL_TYPE_CODE.get(pl.type) ?? 0;
    o += POOL;
  }
  put(s, 0, snap.address);
  put(s, 1, snap.mac);
  put(s, 2, snap.hostname);
  put(s, 3, snap.model);
  put(s, 4, snap.modelCode);
  put(s, 5, snap.firmware.name);
  put(s, 6, snap.firmware.version);
  put(s, 7, snap.stateDescription);
  put(s, 8, snap.preset.running);
  put(s, 9, snap.preset.configured);
  put(s, 10, polledAtMs === null ? snap.polledAt : null);
  let so = S_TOP;
  for (const pl of snap.pools) {
    put(s, so, pl.url);
    put(s, so + 1, pl.user);
    put(s, so + 2, pl.status);
    so += S_POOL;
  }
  return p;
}

/** Epoch ms of the packed snapshot's poll. */
export function packedPolledAt(p: PackedSnapshot): number {
  return Number.isNaN(p.n[11]!) ? Date.parse(p.s[10] ?? '') : p.n[11]!;
}

/** A fresh `MinerSnapshot` equal to the one last packed into `p`. */
export function unpackSnapshot(p: PackedSnapshot): MinerSnapshot {
  const n = p.n;
  const s = p.s;
  const nFans = n[12]!;
  const nChains = n[13]!;
  const nPools = n[14]!;
  let o = TOP;
  const fans: Fan[] = new Array<Fan>(nFans);
  for (let i = 0; i < nFans; i++, o += FAN) fans[i] = { rpm: out(n[o]!), ok: unflag(n[o + 1]!) };
  const chains: Chain[] = new Array<Chain>(nChains);
  for (let i = 0; i < nChains; i++, o += CHAIN) {
    chains[i] = {
      id: n[o]!,
      state: CHAIN_STATES[n[o + 1]!] as ChainState,
      hashrateThs: out(n[o + 2]!),
      nominalThs: out(n[o + 3]!),
      powerW: out(n[o + 4]!),
      frequencyMhz: out(n[o + 5]!),
      voltageMv: out(n[o + 6]!),
      chipTempMaxC: out(n[o + 7]!),
      pcbTempMaxC: out(n[o + 8]!),
      chips: n[o + 9] === 1 ? { red: n[o + 10]!, orange: n[o + 11]!, grey: n[o + 12]! } : null,
      inletWaterC: out(n[o + 13]!),
      outletWaterC: out(n[o + 14]!),
    };
  }
  const pools: Pool[] = new Array<Pool>(nPools);
  for (let i = 0, so = S_TOP; i < nPools; i++, o += POOL, so += S_POOL) {
    pools[i] = {
      url: s[so]!,
      user: s[so + 1]!,
      status: s[so + 2]!,
      accepted: out(n[o]!),
      rejected: out(n[o + 1]!),
      stale: out(n[o + 2]!),
      type: POOL_TYPES[n[o + 3]!]!,
    };
  }
  return {
    address: s[0]!,
    mac: s[1] ?? null,
    hostname: s[2] ?? null,
    model: s[3] ?? null,
    modelCode: s[4] ?? null,
    firmware: { name: s[5] ?? null, version: s[6] ?? null },
    state: MINER_STATES[n[10]!] as MinerState,
    stateDescription: s[7] ?? null,
    hashrateThs: out(n[0]!),
    hashrateAvgThs: out(n[1]!),
    nominalThs: out(n[2]!),
    powerW: out(n[3]!),
    efficiencyJth: out(n[4]!),
    chipTempMaxC: out(n[5]!),
    pcbTempMaxC: out(n[6]!),
    fans,
    chains,
    pools,
    preset: { running: s[8] ?? null, configured: s[9] ?? null },
    throttlePct: out(n[7]!),
    uptimeS: out(n[8]!),
    hwErrors: out(n[9]!),
    polledAt: Number.isNaN(n[11]!) ? s[10]! : new Date(n[11]!).toISOString(),
  };
}
