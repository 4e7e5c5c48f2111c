/**
 * Fleet figures (`fleet.summary`): totals, counts and per-model breakdown from the inventory.
 *
 * Only live records count toward hashrate and power: stale or offline data is last known, not
 * current, and adding it would show a farm healthier than it is. Installed nominal capacity counts
 * every miner whose model is known, so "actual vs capacity" reveals the miners that are down.
 */
import type { FleetSummary, ModelFigures } from '../../../shared/api/fleet.js';
import type { MinerRecord } from '../../../shared/miner.js';

interface Acc {
  count: number;
  online: number;
  hashrateThs: number;
  nominalThs: number;
  powerW: number;
  /** Power and hashrate of the miners reporting both (for J/TH). */
  effPowerW: number;
  effHashThs: number;
}

const acc = (): Acc => ({
  count: 0,
  online: 0,
  hashrateThs: 0,
  nominalThs: 0,
  powerW: 0,
  effPowerW: 0,
  effHashThs: 0,
});

const jth = (a: Acc) => (a.effHashThs > 0 && a.effPowerW > 0 ? a.effPowerW / a.effHashThs : null);

/** Figures over the given records at time `now` (epoch ms). */
export function computeFleetSummary(records: Iterable<MinerRecord>, now: number): FleetSummary {
  const counts = { total: 0, online: 0, offline: 0, stale: 0, never: 0, failing: 0 };
  const total = acc();
  let nominalOnlineThs = 0;
  const byModel = new Map<string, Acc>();
  for (const r of records) {
    counts.total++;
    const s = r.snapshot;
    const model = s?.model ?? 'unknown';
    let m = byModel.get(model);
    if (!m) byModel.set(model, (m = acc()));
    m.count++;
    if (s?.nominalThs != null) {
      total.nominalThs += s.nominalThs;
      m.nominalThs += s.nominalThs;
    }
    switch (r.freshness) {
      case 'offline':
        counts.offline++;
        continue;
      case 'stale':
        counts.stale++;
        continue;
      case 'never':
        counts.never++;
        continue;
      case 'live':
        break;
    }
    if (!s) continue;
    counts.online++;
    m.online++;
    if (s.state === 'failure' || s.chains.some((c) => c.state === 'failure' || c.state === 'disconnected')) {
      counts.failing++;
    }
    if (s.nominalThs != null) nominalOnlineThs += s.nominalThs;
    const hr = s.hashrateThs ?? 0;
    const p = s.powerW ?? 0;
    total.hashrateThs += hr;
    total.powerW += p;
    m.hashrateThs += hr;
    m.powerW += p;
    if (s.hashrateThs !== null && s.powerW !== null && s.hashrateThs > 0 && s.powerW > 0) {
      total.effHashThs += s.hashrateThs;
      total.effPowerW += s.powerW;
      m.effHashThs += s.hashrateThs;
      m.effPowerW += s.powerW;
    }
  }
  const models: ModelFigures[] = [...byModel.entries()]
    .map(([model, a]) => ({
      model,
      count: a.count,
      online: a.online,
      hashrateThs: a.hashrateThs,
      nominalThs: a.nominalThs,
      powerW: a.powerW,
      efficiencyJth: jth(a),
    }))
    .sort((a, b) => b.count - a.count || a.model.localeCompare(b.model));
  return {
    at: new Date(now).toISOString(),
    counts,
    hashrateThs: total.hashrateThs,
    nominalThs: total.nominalThs,
    nominalOnlineThs,
    powerW: total.powerW,
    efficiencyJth: jth(total),
    byModel: models,
  };
}
