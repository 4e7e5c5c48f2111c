/**
 * Active alert bookkeeping: applying raised/cleared batches and the display order.
 */
import type { Alert, AlertSeverity } from '../../../shared/api/alerts.js';

/** Merges a `alerts.raised` batch (new or updated occurrences) into the active set, returning a new map. */
export function applyRaised(active: ReadonlyMap<string, Alert>, batch: readonly Alert[]): Map<string, Alert> {
  const next = new Map(active);
  for (const a of batch) {
    if (a.clearedAt !== null) next.delete(a.id);
    else next.set(a.id, a);
  }
  return next;
}

/** Removes the alerts of a `alerts.cleared` batch. */
export function applyCleared(
  active: ReadonlyMap<string, Alert>,
  batch: readonly Alert[],
): Map<string, Alert> {
  const next = new Map(active);
  for (const a of batch) next.delete(a.id);
  return next;
}

const SEVERITY_RANK: Record<AlertSeverity, number> = { critical: 0, warning: 1 };

/** Critical first, then the oldest (longest-lasting) first, then by address for a stable order. */
export function sortAlerts(alerts: Iterable<Alert>): Alert[] {
  return [...alerts].sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      Date.parse(a.raisedAt) - Date.parse(b.raisedAt) ||
      a.address.localeCompare(b.address, 'en', { numeric: true }) ||
      a.id.localeCompare(b.id),
  );
}

/** Counts by severity. */
export function countBySeverity(alerts: Iterable<Alert>): { critical: number; warning: number } {
  const c = { critical: 0, warning: 0 };
  for (const a of alerts) c[a.severity]++;
  return c;
}
