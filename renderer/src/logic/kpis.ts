/**
 * Fleet figures computed from the miners the renderer holds.
 *
 * The same rules as the core's `fleet.summary`: totals count only live data, so a miner switched off
 * an hour ago (or one the renderer has not heard about since the connection dropped) never inflates
 * the farm's hashrate or power. Nominal capacity counts every miner whose model is known.
 */
import type { MinerRecord } from '../../../shared/miner.js';
import { displayFreshness, isFailing, isMiningState, type FreshnessContext } from './freshness.js';

/** Figures for one model. */
export interface ModelKpis {
  model: string;
  count: number;
  live: number;
  hashrateThs: number;
  nominalThs: number;
  powerW: number;
  /** Power over hashrate of this model's live miners reporting both; null when none does. */
  efficiencyJth: number | null;
}

/** Figures for the whole fleet. */
export interface FleetKpis {
  counts: {
    total: number;
    live: number;
    stale: number;
    offline: number;
    never: number;
    /** Live, in `failure` state or with a failed hash board. */
    failing: number;
    /** Live but neither mining nor auto-tuning (stopped, restarting, starting...). */
    notMining: number;
  };
  /** Sum of the live miners' realtime hashrate. */
  hashrateThs: number;
  /** Installed capacity: nominal hashrate of every miner whose model is known. */
  nominalThs: number;
  /** Nominal hashrate of the live miners only (compare with hashrateThs). */
  nominalLiveThs: number;
  powerW: number;
  /** Fleet J/TH: total power over total hashrate of the live miners reporting both. */
  efficiencyJth: number | null;
  /** Per model, largest hashrate first. */
  byModel: ModelKpis[];
}

interface ModelAcc extends Omit<ModelKpis, 'efficiencyJth'> {
  effPowerW: number;
  effThs: number;
}

/** Computes the fleet figures in one pass over the records. */
export function computeFleetKpis(records: Iterable<MinerRecord>, ctx: FreshnessContext): FleetKpis {
  const counts = { total: 0, live: 0, stale: 0, offline: 0, never: 0, failing: 0, notMining: 0 };
  let hashrateThs = 0;
  let nominalThs = 0;
  let nominalLiveThs = 0;
  let powerW = 0;
  let effPowerW = 0;
  let effThs = 0;
  const models = new Map<string, ModelAcc>();

  for (const r of records) {
    counts.total++;
    const fr = displayFreshness(r, ctx);
    counts[fr]++;
    const snap = r.snapshot;
    const modelName = snap?.model ?? 'Unknown model';
    let m = models.get(modelName);
    if (!m) {
      m = {
        model: modelName,
        count: 0,
        live: 0,
        hashrateThs: 0,
        nominalThs: 0,
        powerW: 0,
        effPowerW: 0,
        effThs: 0,
      };
      models.set(modelName, m);
    }
    m.count++;
    const nominal = snap?.nominalThs ?? null;
    if (nominal !== null && nominal > 0) {
      nominalThs += nominal;
      m.nominalThs += nominal;
    }
    if (fr !== 'live' || !snap) continue;
    m.live++;
    if (isFailing(snap)) counts.failing++;
    if (!isMiningState(snap)) counts.notMining++;
    if (nominal !== null && nominal > 0) nominalLiveThs += nominal;
    const ths = snap.hashrateThs ?? 0;
    const w = snap.powerW ?? 0;
    hashrateThs += ths;
    powerW += w;
    m.hashrateThs += ths;
    m.powerW += w;
    // Efficiency uses the average hashrate when known, like MinerSnapshot.efficiencyJth does.
    const effHash = snap.hashrateAvgThs ?? snap.hashrateThs;
    if (snap.powerW !== null && snap.powerW > 0 && effHash !== null && effHash > 0) {
      effPowerW += snap.powerW;
      effThs += effHash;
      m.effPowerW += snap.powerW;
      m.effThs += effHash;
    }
  }

  const byModel: ModelKpis[] = [...models.values()]
    .map(({ effPowerW: p, effThs: t, ...rest }) => ({ ...rest, efficiencyJth: t > 0 ? p / t : null }))
    .sort((a, b) => b.hashrateThs - a.hashrateThs || b.count - a.count || a.model.localeCompare(b.model));

  return {
    counts,
    hashrateThs,
    nominalThs,
    nominalLiveThs,
    powerW,
    efficiencyJth: effThs > 0 ? effPowerW / effThs : null,
    byModel,
  };
}
