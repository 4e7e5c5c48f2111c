/**
 * Which alerts become desktop notifications, when, and grouped how.
 *
 * A breaker trip takes 50 miners down within one poll interval; 50 toasts would bury the one that
 * matters and teach the technician to ignore them. Alerts are collected for a short window, shown
 * one by one when there are few, grouped into one notice when there are many, and notices are
 * rate-limited (at most one per `minGapMs`; what arrives meanwhile is summarised in the next one).
 * An alert raised and cleared before its notice was due is dropped (it was a blip).
 * Pure logic over a clock; the Electron shell owns the timer and the Notification class.
 */
import type { Alert, AlertKind, AlertSeverity } from '../../../shared/api/alerts.js';
import type { Clock } from '../clock.js';

export interface Notice {
  title: string;
  body: string;
  severity: AlertSeverity;
  /** The alerts this notice covers (for click-through to the alert list). */
  alertIds: string[];
  grouped: boolean;
}

export interface NotifyPolicyOptions {
  clock: Clock;
  /** Least time between two notices (or two bursts of individual notices). */
  minGapMs?: number;
  /** How long the first alert waits for companions before it is shown. */
  groupWindowMs?: number;
  /** More pending alerts than this are shown as one grouped notice. */
  groupAbove?: number;
  /** Alerts of lower severity are not notified. */
  minSeverity?: AlertSeverity;
  /** Also notify when alerts clear (grouped the same way). */
  notifyCleared?: boolean;
}

export interface NotifyPolicy {
  /** Feed a batch of raised and cleared alerts; returns notices to show right now. */
  offer(raised: readonly Alert[], cleared?: readonly Alert[]): Notice[];
  /** Notices whose time has come (call at `nextDueAt()`). */
  due(): Notice[];
  /** When `due()` will have something to show, or null when nothing is pending. */
  nextDueAt(): number | null;
}

export const alertKindLabel: Record<AlertKind, string> = {
  offline: 'offline',
  'hashrate-low': 'low hashrate',
  'chip-temp': 'chip temperature high',
  'board-temp': 'board temperature high',
  'fan-lost': 'fan lost',
  'chain-failure': 'hash board failure',
  'pool-down': 'pool down',
  'pool-rejecting': 'pool rejecting shares',
  'miner-failure': 'miner failure',
};

const MAX_ADDRESSES_SHOWN = 5;

interface Pending {
  alert: Alert;
  cleared: boolean;
}

export function createNotifyPolicy(opts: NotifyPolicyOptions): NotifyPolicy {
  const { clock } = opts;
  const minGapMs = opts.minGapMs ?? 15_000;
  const groupWindowMs = opts.groupWindowMs ?? 2_000;
  const groupAbove = opts.groupAbove ?? 3;
  const minRank = opts.minSeverity === 'critical' ? 1 : 0;
  const rank = (s: AlertSeverity) => (s === 'critical' ? 1 : 0);
  /** Keyed by alert id; insertion order is arrival order. */
  const pending = new Map<string, Pending>();
  let firstPendingAt: number | null = null;
  let lastShownAt = -Infinity;

  const dueAt = () =>
    firstPendingAt === null ? null : Math.max(firstPendingAt + groupWindowMs, lastShownAt + minGapMs);

  const summarise = (items: Pending[], cleared: boolean): Notice => {
    const byKind = new Map<AlertKind, Alert[]>();
    for (const p of items) {
      const list = byKind.get(p.alert.kind);
      if (list) list.push(p.alert);
      else byKind.set(p.alert.kind, [p.alert]);
    }
    const miners = new Set(items.map((p) => p.alert.minerId)).size;
    const kinds = [...byKind.entries()].sort((a, b) => b[1].length - a[1].length);
    const severity: AlertSeverity = items.some((p) => p.alert.severity === 'critical')
      ? 'critical'
      : 'warning';
    const suffix = cleared ? ' (resolved)' : '';
    let title: string;
    let body: string;
    if (kinds.length === 1) {
      const [kind, alerts] = kinds[0]!;
      title = `${miners} miner${miners === 1 ? '' : 's'}: ${alertKindLabel[kind]}${suffix}`;
      const addresses = alerts.map((a) => a.address);
      body =
        addresses.slice(0, MAX_ADDRESSES_SHOWN).join(', ') +
        (addresses.length > MAX_ADDRESSES_SHOWN ? ` and ${addresses.length - MAX_ADDRESSES_SHOWN} more` : '');
    } else {
      title = `${items.length} alerts on ${miners} miner${miners === 1 ? '' : 's'}${suffix}`;
      body = kinds.map(([kind, alerts]) => `${alerts.length} ${alertKindLabel[kind]}`).join(', ');
    }
    return { title, body, severity, alertIds: items.map((p) => p.alert.id), grouped: true };
  };

  const single = (p: Pending): Notice => ({
    title: `${alertKindLabel[p.alert.kind]}${p.cleared ? ' (resolved)' : ''}`,
    body: p.alert.message,
    severity: p.alert.severity,
    alertIds: [p.alert.id],
    grouped: false,
  });

  const release = (): Notice[] => {
    const at = dueAt();
    const now = clock.now();
    if (at === null || now < at) return [];
    const items = [...pending.values()];
    pending.clear();
    firstPendingAt = null;
    if (items.length === 0) return [];
    lastShownAt = now;
    if (items.length <= groupAbove) return items.map(single);
    const raised = items.filter((p) => !p.cleared);
    const cleared = items.filter((p) => p.cleared);
    const out: Notice[] = [];
    if (raised.length > groupAbove) out.push(summarise(raised, false));
    else out.push(...raised.map(single));
    if (cleared.length) out.push(summarise(cleared, true));
    return out;
  };

  return {
    offer(raised, cleared = []) {
      const now = clock.now();
      for (const a of cleared) {
        const raisedId = a.id;
        const waiting = pending.get(raisedId);
        if (waiting && !waiting.cleared) {
          // Raised and over before anyone was told: a blip, not worth a notice.
          pending.delete(raisedId);
          continue;
        }
        if (opts.notifyCleared && rank(a.severity) >= minRank) {
          pending.set(`${a.id}|cleared`, { alert: a, cleared: true });
        }
      }
      for (const a of raised) {
        if (rank(a.severity) < minRank) continue;
        pending.set(a.id, { alert: a, cleared: false });
      }
      if (pending.size === 0) firstPendingAt = null;
      else firstPendingAt ??= now;
      return release();
    },
    due: release,
    nextDueAt: dueAt,
  };
}
