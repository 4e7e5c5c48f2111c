/**
 * The alert engine: turns each miner's latest record into raised, updated and cleared alerts.
 *
 * Every rule is evaluated per poll as bad / good / unknown. An alert is raised after `raiseAfter`
 * consecutive bad polls and cleared after `clearAfter` consecutive good ones, and thresholds have a
 * band between "bad" and "good" (e.g. raise above 90 degC, clear at or below 85 degC), so a miner
 * hovering at a threshold produces one alert rather than a notification storm. Values in the band, or
 * polls that say nothing (stale data, a restarting miner), keep the alert as it is.
 * It is pure logic over records and a clock: the fleet monitor feeds it and stores what it returns.
 */
import type { Alert, AlertKind, AlertSeverity, AlertThresholds } from '../../../shared/api/alerts.js';
import { defaultAlertThresholds } from '../../../shared/api/alerts.js';
import type { MinerRecord, MinerSnapshot } from '../../../shared/miner.js';
import type { Clock } from '../clock.js';

export interface AlertChanges {
  raised: Alert[];
  /** Active alerts whose severity changed in this evaluation (value changes are kept silently). */
  updated: Alert[];
  cleared: Alert[];
}

export interface AlertEngine {
  /** Evaluate the records polled in this cycle. */
  evaluate(records: Iterable<MinerRecord>): AlertChanges;
  /** Clear every alert of miners that are no longer watched. */
  forget(minerIds: Iterable<string>): AlertChanges;
  active(): Alert[];
  thresholds(): AlertThresholds;
  setThresholds(t: Partial<AlertThresholds>): AlertThresholds;
  /** Re-adopt alerts that were active when the app last stopped (from the store). */
  restore(alerts: Iterable<Alert>): void;
}

export interface AlertEngineOptions {
  clock: Clock;
  thresholds?: Partial<AlertThresholds>;
  /** Degrees below a temperature threshold a miner must cool to before the alert clears. */
  tempHysteresisC?: number;
  /** Share of nominal above the threshold the hashrate must recover to before the alert clears. */
  hashrateHysteresisShare?: number;
  /** A miner younger than this (uptime) is still ramping up: hashrate is not judged. */
  hashrateWarmupS?: number;
  /** Shares needed before the reject ratio is judged. */
  minShareSample?: number;
}

type Verdict =
  | {
      kind: AlertKind;
      bad: true;
      value: number | null;
      threshold: number | null;
      severity: AlertSeverity;
      message: string;
    }
  | { kind: AlertKind; bad: false }
  | null;

interface RuleState {
  bad: number;
  good: number;
  alert: Alert | null;
}

interface Rule {
  kind: AlertKind;
  raiseAfter: number;
  clearAfter: number;
  evaluate(r: MinerRecord, s: MinerSnapshot): Verdict | 'hold';
}

/** States in which a miner's boards, fans and pools are expected to be working. */
const WORKING_STATES = new Set(['mining', 'auto-tuning', 'failure']);

const fmt = (n: number, digits = 0) => n.toFixed(digits);

export function createAlertEngine(opts: AlertEngineOptions): AlertEngine {
  const { clock } = opts;
  let t: AlertThresholds = { ...defaultAlertThresholds, ...opts.thresholds };
  const tempBand = opts.tempHysteresisC ?? 5;
  const hashBand = opts.hashrateHysteresisShare ?? 0.05;
  const warmupS = opts.hashrateWarmupS ?? 300;
  const minShares = opts.minShareSample ?? 20;
  const states = new Map<string, RuleState>();
  /** Per miner share counters for the reject ratio: last totals and the window being collected. */
  const shares = new Map<string, { acc: number; rej: number; wAcc: number; wRej: number }>();

  const temperatureRule = (
    kind: 'chip-temp' | 'board-temp',
    pick: (s: MinerSnapshot) => number | null,
    limit: () => number,
    label: string,
  ): Rule => ({
    kind,
    raiseAfter: 2,
    clearAfter: 2,
    evaluate(r, s) {
      const v = pick(s);
      if (v === null || s.state === 'stopped') return null;
      const max = limit();
      if (v > max) {
        return {
          kind,
          bad: true,
          value: v,
          threshold: max,
          severity: v > max + tempBand ? 'critical' : 'warning',
          message: `${r.address}: ${label} ${fmt(v)} °C, over the ${fmt(max)} °C limit`,
        };
      }
      return v <= max - tempBand ? { kind, bad: false } : 'hold';
    },
  });

  const rules: Rule[] = [
    {
      kind: 'miner-failure',
      raiseAfter: 1,
      clearAfter: 2,
      evaluate(r, s) {
        if (s.state === 'failure') {
          return {
            kind: 'miner-failure',
            bad: true,
            value: null,
            threshold: null,
            severity: 'critical',
            message: `${r.address}: miner in failure state${s.stateDescription ? ` (${s.stateDescription})` : ''}`,
          };
        }
        return s.state === 'unknown' ? null : { kind: 'miner-failure', bad: false };
      },
    },
    {
      kind: 'hashrate-low',
      raiseAfter: 3,
      clearAfter: 2,
      evaluate(r, s) {
        if (s.state !== 'mining') return null;
        if (s.uptimeS !== null && s.uptimeS < warmupS) return null;
        const nominal = s.nominalThs;
        const hr = s.hashrateThs;
        if (nominal === null || !(nominal > 0) || hr === null) return null;
        const share = hr / nominal;
        if (share < t.hashrateMinShare) {
          return {
            kind: 'hashrate-low',
            bad: true,
            value: share,
            threshold: t.hashrateMinShare,
            severity: share < t.hashrateMinShare / 2 ? 'critical' : 'warning',
            message: `${r.address}: hashrate ${fmt(hr, 1)} TH/s is ${fmt(share * 100)} % of nominal ${fmt(nominal, 1)} TH/s (limit ${fmt(t.hashrateMinShare * 100)} %)`,
          };
        }
        return share >= t.hashrateMinShare + hashBand ? { kind: 'hashrate-low', bad: false } : 'hold';
      },
    },
    temperatureRule(
      'chip-temp',
      (s) => s.chipTempMaxC,
      () => t.chipTempMaxC,
      'chip temperature',
    ),
    temperatureRule(
      'board-temp',
      (s) => s.pcbTempMaxC,
      () => t.boardTempMaxC,
      'board temperature',
    ),
    {
      kind: 'fan-lost',
      raiseAfter: 2,
      clearAfter: 2,
      evaluate(r, s) {
        if (!WORKING_STATES.has(s.state) || s.fans.length === 0) return null;
        const spinning = s.fans.some((f) => f.rpm !== null && f.rpm > 0);
        let lost = 0;
        for (const f of s.fans) {
          // Hydro models report every fan at 0 rpm: only a stopped fan next to spinning ones is lost.
          if (f.ok === false || (f.ok === null && f.rpm === 0 && spinning)) lost++;
        }
        if (lost === 0) return { kind: 'fan-lost', bad: false };
        return {
          kind: 'fan-lost',
          bad: true,
          value: lost,
          threshold: null,
          severity: 'critical',
          message: `${r.address}: ${lost} of ${s.fans.length} fans lost`,
        };
      },
    },
    {
      kind: 'chain-failure',
      raiseAfter: 2,
      clearAfter: 2,
      evaluate(r, s) {
        if (!WORKING_STATES.has(s.state) || s.chains.length === 0) return null;
        const failed = s.chains.filter((c) => c.state === 'failure' || c.state === 'disconnected');
        if (failed.length === 0) return { kind: 'chain-failure', bad: false };
        return {
          kind: 'chain-failure',
          bad: true,
          value: failed.length,
          threshold: null,
          severity: 'critical',
          message: `${r.address}: hash board${failed.length > 1 ? 's' : ''} ${failed.map((c) => c.id).join(', ')} ${failed.map((c) => c.state).join('/')}`,
        };
      },
    },
    {
      kind: 'pool-down',
      raiseAfter: 2,
      clearAfter: 2,
      evaluate(r, s) {
        if (s.state !== 'mining' && s.state !== 'auto-tuning') return null;
        const user = s.pools.filter((p) => p.type === 'user' && p.status !== 'disabled');
        if (user.length === 0) return null;
        const down = user.filter((p) => p.status === 'offline');
        if (down.length === 0) {
          return user.every((p) => p.status !== 'unknown') ? { kind: 'pool-down', bad: false } : 'hold';
        }
        const up = user.filter(
          (p) => p.status === 'active' || p.status === 'working' || p.status === 'rejecting',
        );
        // A dead backup (or a primary the miner failed over from) is a warning; no pool at all is critical.
        return {
          kind: 'pool-down',
          bad: true,
          value: down.length,
          threshold: null,
          severity: up.length === 0 ? 'critical' : 'warning',
          message:
            up.length === 0
              ? `${r.address}: no pool reachable (${down.map((p) => p.url).join(', ')})`
              : `${r.address}: pool${down.length > 1 ? 's' : ''} ${down.map((p) => p.url).join(', ')} down; mining on ${up[0]!.url}`,
        };
      },
    },
    {
      kind: 'pool-rejecting',
      raiseAfter: 2,
      clearAfter: 2,
      evaluate(r, s) {
        const user = s.pools.filter((p) => p.type === 'user');
        if (user.length === 0) return null;
        const rejectingStatus = user.some((p) => p.status === 'rejecting');
        let acc = 0;
        let rej = 0;
        for (const p of user) {
          acc += p.accepted ?? 0;
          rej += p.rejected ?? 0;
        }
        let w = shares.get(r.id);
        if (!w || acc < w.acc || rej < w.rej) {
          // First sight or counters reset (restart): start a new baseline.
          w = { acc, rej, wAcc: 0, wRej: 0 };
          shares.set(r.id, w);
        } else {
          w.wAcc += acc - w.acc;
          w.wRej += rej - w.rej;
          w.acc = acc;
          w.rej = rej;
        }
        let ratio: number | null = null;
        if (w.wAcc + w.wRej >= minShares) {
          ratio = w.wRej / (w.wAcc + w.wRej);
          w.wAcc = 0;
          w.wRej = 0;
        }
        if (rejectingStatus || (ratio !== null && ratio > t.poolRejectMaxShare)) {
          return {
            kind: 'pool-rejecting',
            bad: true,
            value: ratio,
            threshold: t.poolRejectMaxShare,
            severity: 'warning',
            message:
              ratio !== null
                ? `${r.address}: pool rejects ${fmt(ratio * 100, 1)} % of shares (limit ${fmt(t.poolRejectMaxShare * 100, 1)} %)`
                : `${r.address}: pool is rejecting shares`,
          };
        }
        if (ratio !== null && ratio <= t.poolRejectMaxShare / 2)
          return { kind: 'pool-rejecting', bad: false };
        return 'hold';
      },
    },
  ];

  const offlineRule: Rule = {
    kind: 'offline',
    raiseAfter: 1,
    clearAfter: 1,
    evaluate: () => null,
  };

  const key = (minerId: string, kind: AlertKind) => `${minerId}|${kind}`;

  const apply = (
    r: MinerRecord,
    rule: Rule,
    v: Verdict | 'hold',
    nowIso: string,
    nowMs: number,
    out: AlertChanges,
  ) => {
    const k = key(r.id, rule.kind);
    let st = states.get(k);
    if (v === null || v === 'hold') {
      // Nothing to judge, or inside the hysteresis band: streaks restart, the alert stays as it is.
      if (st) {
        st.bad = 0;
        st.good = 0;
        if (!st.alert) states.delete(k);
      }
      return;
    }
    if (!v.bad) {
      if (!st) return;
      st.bad = 0;
      st.good++;
      if (st.alert && st.good >= rule.clearAfter) {
        const cleared: Alert = { ...st.alert, updatedAt: nowIso, clearedAt: nowIso };
        out.cleared.push(cleared);
        st.alert = null;
      }
      if (!st.alert) states.delete(k);
      return;
    }
    if (!st) states.set(k, (st = { bad: 0, good: 0, alert: null }));
    st.good = 0;
    st.bad++;
    if (st.alert) {
      const a = st.alert;
      const severityChanged = a.severity !== v.severity;
      a.value = v.value;
      a.threshold = v.threshold;
      a.message = v.message;
      a.address = r.address;
      a.updatedAt = nowIso;
      if (severityChanged) {
        a.severity = v.severity;
        out.updated.push({ ...a });
      }
    } else if (st.bad >= rule.raiseAfter) {
      st.alert = {
        id: `${r.id}|${rule.kind}|${nowMs}`,
        minerId: r.id,
        address: r.address,
        kind: rule.kind,
        severity: v.severity,
        message: v.message,
        value: v.value,
        threshold: v.threshold,
        raisedAt: nowIso,
        updatedAt: nowIso,
        clearedAt: null,
      };
      out.raised.push({ ...st.alert });
    }
  };

  return {
    evaluate(records) {
      const out: AlertChanges = { raised: [], updated: [], cleared: [] };
      const nowMs = clock.now();
      const nowIso = new Date(nowMs).toISOString();
      for (const r of records) {
        if (r.freshness === 'offline') {
          apply(
            r,
            offlineRule,
            {
              kind: 'offline',
              bad: true,
              value: null,
              threshold: null,
              severity: 'critical',
              message: `${r.address}: not answering${r.lastError ? ` (${r.lastError.message})` : ''}`,
            },
            nowIso,
            nowMs,
            out,
          );
          continue;
        }
        if (r.freshness !== 'live' || !r.snapshot) continue;
        apply(r, offlineRule, { kind: 'offline', bad: false }, nowIso, nowMs, out);
        const s = r.snapshot;
        for (const rule of rules) apply(r, rule, rule.evaluate(r, s), nowIso, nowMs, out);
      }
      return out;
    },
    forget(minerIds) {
      const out: AlertChanges = { raised: [], updated: [], cleared: [] };
      const nowIso = new Date(clock.now()).toISOString();
      const ids = new Set(minerIds);
      for (const [k, st] of states) {
        const id = k.slice(0, k.lastIndexOf('|'));
        if (!ids.has(id)) continue;
        if (st.alert) out.cleared.push({ ...st.alert, updatedAt: nowIso, clearedAt: nowIso });
        states.delete(k);
      }
      for (const id of ids) shares.delete(id);
      return out;
    },
    active() {
      const list: Alert[] = [];
      for (const st of states.values()) if (st.alert) list.push({ ...st.alert });
      return list.sort((a, b) => (a.raisedAt < b.raisedAt ? 1 : a.raisedAt > b.raisedAt ? -1 : 0));
    },
    thresholds: () => ({ ...t }),
    setThresholds(next) {
      t = { ...t, ...next };
      return { ...t };
    },
    restore(alerts) {
      for (const a of alerts) {
        if (a.clearedAt !== null) continue;
        const k = key(a.minerId, a.kind);
        if (!states.get(k)?.alert) states.set(k, { bad: 0, good: 0, alert: { ...a } });
      }
    },
  };
}
