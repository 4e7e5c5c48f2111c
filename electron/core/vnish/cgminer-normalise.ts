/**
 * Pure normaliser from cgminer API replies (`summary`, `stats`, `pools`) to a partial `MinerSnapshot`.
 *
 * The read fallback for a miner whose web API is down while its cgminer socket still answers: the
 * technician sees hashrate, temperatures and fans instead of nothing. What cgminer does not report
 * (MAC, state, presets, power on most builds) stays null; like the HTTP normaliser it throws only
 * `BadResponse` and never produces NaN.
 */
import { HashwatchError } from '../../../shared/errors.js';
import { efficiencyJth, type Chain, type Fan, type MinerSnapshot, type Pool } from '../../../shared/miner.js';
import { toFiniteOrNull } from './schemas.js';

export interface CgminerParts {
  address: string;
  polledAt: Date | string;
  summary?: unknown;
  stats?: unknown;
  pools?: unknown;
}

type Rec = Record<string, unknown>;

const isRec = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v);

function section(reply: unknown, key: string): Rec[] {
  if (reply === undefined || reply === null) return [];
  if (!isRec(reply)) {
    throw new HashwatchError('BadResponse', `cgminer ${key.toLowerCase()}: reply is not an object`, {
      endpoint: `cgminer ${key.toLowerCase()}`,
      field: '(body)',
    });
  }
  const v = reply[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    throw new HashwatchError('BadResponse', `cgminer ${key.toLowerCase()}: field ${key} is not a list`, {
      endpoint: `cgminer ${key.toLowerCase()}`,
      field: key,
    });
  }
  return v.filter(isRec);
}

/** Leading number of a value such as `3250`, `"3250"` or `"3250 W"`; null otherwise. */
function lead(v: unknown): number | null {
  if (typeof v === 'string') {
    const m = /^\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)/i.exec(v);
    return m?.[1] !== undefined ? toFiniteOrNull(m[1]) : null;
  }
  return toFiniteOrNull(v);
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
const temp = (v: unknown): number | null => {
  const t = lead(v);
  return t === null || t === 0 ? null : t;
};
const max = (xs: Array<number | null>): number | null => {
  const ok = xs.filter((x): x is number => x !== null);
  return ok.length ? Math.max(...ok) : null;
};
const scaled = (v: number | null, f: number): number | null => {
  if (v === null) return null;
  const r = v * f;
  return Number.isFinite(r) ? r + 0 : null;
};

/** `Antminer S19 XP (Vnish 1.2.0-rc1)` -> model, firmware name and version. */
export function parseStatsType(type: string | null): {
  model: string | null;
  fwName: string | null;
  fwVersion: string | null;
} {
  if (!type) return { model: null, fwName: null, fwVersion: null };
  const m = /^(.*?)\s*\(([^()]*)\)\s*$/.exec(type);
  if (!m) return { model: type.trim() || null, fwName: null, fwVersion: null };
  const inner = (m[2] ?? '').trim();
  const v = /^(\S+)\s+(\S+)$/.exec(inner);
  return {
    model: (m[1] ?? '').trim() || null,
    fwName: v ? (v[1] ?? null) : inner || null,
    fwVersion: v ? (v[2] ?? null) : null,
  };
}

function unitFactor(unit: string | null): number {
  const u = unit?.trim().toLowerCase().replace(/\/s$/, '');
  if (u === 'mh') return 1e-6;
  if (u === 'th') return 1;
  if (u === 'kh') return 1e-9;
  return 1e-3; // GH/s: the cgminer default of SHA-256 miners
}

/** Builds a snapshot from cgminer replies; `state` is `unknown` because cgminer does not report it. */
export function normaliseCgminer(parts: CgminerParts): MinerSnapshot {
  const d = parts.polledAt instanceof Date ? parts.polledAt : new Date(parts.polledAt);
  if (Number.isNaN(d.getTime())) {
    throw new HashwatchError('BadResponse', 'polledAt is not a valid time', { field: 'polledAt' });
  }
  const summary = section(parts.summary, 'SUMMARY')[0] ?? {};
  const statsList = section(parts.stats, 'STATS');
  const pools = section(parts.pools, 'POOLS');
  const typeRec = statsList.find((s) => typeof s.Type === 'string');
  const stats =
    statsList.find((s) => Object.keys(s).some((k) => /^chain_rate\d+$/.test(k) || /^fan\d+$/.test(k))) ?? {};
  const id = parseStatsType(str(typeRec?.Type));
  const f = unitFactor(str(stats.rate_unit));

  const hashrateThs =
    scaled(lead(summary['GHS 5s'] ?? stats['GHS 5s']), 1e-3) ?? scaled(lead(summary['MHS 5s']), 1e-6);
  const hashrateAvgThs =
    scaled(lead(summary['GHS av'] ?? stats['GHS av']), 1e-3) ?? scaled(lead(summary['MHS av']), 1e-6);
  const powerW = lead(stats.chain_power ?? stats.power ?? stats.Power);

  const fans: Fan[] = [];
  for (let i = 1; i <= 16; i++) {
    const v = stats[`fan${i}`];
    if (v === undefined) continue;
    fans.push({ rpm: lead(v), ok: null });
  }

  const chains: Chain[] = [];
  for (let n = 1; n <= 16; n++) {
    if (stats[`chain_rate${n}`] === undefined && stats[`chain_acn${n}`] === undefined) continue;
    chains.push({
      id: n - 1,
      state: 'unknown',
      hashrateThs: scaled(lead(stats[`chain_rate${n}`]), f),
      nominalThs: scaled(lead(stats[`chain_rateideal${n}`]), f),
      powerW: null,
      frequencyMhz: lead(stats[`freq${n}`] ?? stats[`freq_avg${n}`]),
      voltageMv: null,
      chipTempMaxC: temp(stats[`temp2_${n}`]),
      pcbTempMaxC: temp(stats[`temp${n}`]),
      chips: null,
      inletWaterC: null,
      outletWaterC: null,
    });
  }

  const poolList: Pool[] = pools.map((p) => ({
    url: str(p.URL) ?? '',
    user: typeof p.User === 'string' ? p.User : '',
    status: str(p.Status) ?? 'unknown',
    accepted: lead(p.Accepted),
    rejected: lead(p.Rejected),
    stale: lead(p.Stale),
    type: 'user',
  }));

  const elapsed = lead(summary.Elapsed ?? stats.Elapsed);
  return {
    address: parts.address,
    mac: null,
    hostname: null,
    model: id.model,
    modelCode: null,
    firmware: { name: id.fwName, version: id.fwVersion },
    state: 'unknown',
    stateDescription: 'Web API unreachable; read over the cgminer API (port 4028)',
    hashrateThs,
    hashrateAvgThs,
    nominalThs: scaled(lead(stats.total_rateideal), f),
    powerW,
    efficiencyJth: efficiencyJth(powerW, hashrateAvgThs) ?? efficiencyJth(powerW, hashrateThs),
    chipTempMaxC: max(chains.map((c) => c.chipTempMaxC)),
    pcbTempMaxC: max(chains.map((c) => c.pcbTempMaxC)),
    fans,
    chains,
    pools: poolList,
    preset: { running: null, configured: null },
    throttlePct: null,
    uptimeS: elapsed !== null && elapsed >= 0 ? Math.floor(elapsed) + 0 : null,
    hwErrors: lead(summary['Hardware Errors']),
    polledAt: d.toISOString(),
  };
}
