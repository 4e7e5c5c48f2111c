/**
 * One-glance summaries of a miner's pools and fans for the table cells.
 *
 * A table row has room for a word and a count, so these reduce the lists to what a technician scans
 * for (is it hashing to a pool, has a fan been lost) and a tone the cell is coloured by.
 */
import type { Fan, Pool } from '../../../shared/miner.js';

/** The colour family a cell is shown in. */
export type Tone = 'ok' | 'warn' | 'bad' | 'muted';

/** A table cell's text, tone and sort rank. */
export interface CellSummary {
  text: string;
  tone: Tone;
  /** Sort value: higher is healthier; null when nothing is known. */
  rank: number | null;
}

const UP = new Set(['active', 'working']);

/** The user's pools (devfee/refund pools are the firmware's business): which is active, how many are up. */
export function summarisePools(pools: readonly Pool[]): CellSummary {
  const user = pools.filter((p) => p.type === 'user');
  if (user.length === 0) return { text: 'none', tone: 'muted', rank: null };
  const up = user.filter((p) => UP.has(p.status)).length;
  const counts = `${up}/${user.length}`;
  if (user.some((p) => p.status === 'active'))
    return { text: `active ${counts}`, tone: 'ok', rank: 3 + up / 10 };
  if (user.some((p) => p.status === 'rejecting'))
    return { text: `rejecting ${counts}`, tone: 'warn', rank: 1 };
  if (up > 0) return { text: `alive ${counts}`, tone: 'ok', rank: 2 + up / 10 };
  if (user.every((p) => p.status === 'disabled')) return { text: 'disabled', tone: 'warn', rank: 0.5 };
  return { text: `down ${counts}`, tone: 'bad', rank: 0 };
}

/**
 * Fans: how many the firmware reports lost, else how many are ok; when the firmware does not say
 * (1.2.0), the count and the slowest rpm. Hydro units report none (or 0 rpm) and are not flagged.
 */
export function summariseFans(fans: readonly Fan[]): CellSummary & { detail: string } {
  if (fans.length === 0) return { text: 'none', tone: 'muted', rank: null, detail: 'No fans reported' };
  const lost = fans.filter((f) => f.ok === false).length;
  const rpms = fans.map((f) => f.rpm).filter((r): r is number => r !== null);
  const minRpm = rpms.length ? Math.min(...rpms) : null;
  const detail = minRpm === null ? 'rpm not reported' : `slowest ${minRpm.toLocaleString('en-US')} rpm`;
  if (lost > 0) return { text: `${lost} lost`, tone: 'bad', rank: -lost, detail };
  if (fans.every((f) => f.ok !== null))
    return { text: `${fans.length} ok`, tone: 'ok', rank: minRpm ?? 0, detail };
  const rpmText = minRpm === null ? '' : ` \u00b7 ${minRpm.toLocaleString('en-US')}`;
  return { text: `${fans.length}${rpmText}`, tone: 'ok', rank: minRpm ?? 0, detail };
}
