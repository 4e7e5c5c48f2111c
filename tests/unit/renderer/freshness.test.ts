import { describe, expect, it } from 'vitest';
import { displayFreshness, shownSnapshot } from '../../../renderer/src/logic/freshness.js';
import { sortValue } from '../../../renderer/src/logic/miner-table.js';
import { ctxAt, iso, miner, T0 } from './fixtures.js';

describe('freshness display rules', () => {
  it('a live record that answered recently is live and shows its figures', () => {
    const r = miner(1);
    expect(displayFreshness(r, ctxAt(5_000))).toBe('live');
    expect(shownSnapshot(r, 'live')?.hashrateThs).toBe(100);
  });

  it('an offline miner never shows its old hashrate', () => {
    const r = miner(1, { freshness: 'offline', lastSeenAt: iso(T0 - 3_600_000) }, { hashrateThs: 123 });
    const fr = displayFreshness(r, ctxAt());
    expect(fr).toBe('offline');
    expect(shownSnapshot(r, fr)).toBeNull();
    expect(sortValue(r, 'hashrateThs', ctxAt())).toBeNull();
    expect(sortValue(r, 'powerW', ctxAt())).toBeNull();
  });

  it('the core’s stale verdict is kept even when the timestamp looks recent', () => {
    expect(displayFreshness(miner(1, { freshness: 'stale' }), ctxAt(1_000))).toBe('stale');
  });

  it('a live record older than the threshold is shown as stale (the core went quiet)', () => {
    const r = miner(1);
    expect(displayFreshness(r, ctxAt(25_000))).toBe('live');
    expect(displayFreshness(r, ctxAt(25_001))).toBe('stale');
  });

  it('nothing is live while the connection to the core is down', () => {
    expect(displayFreshness(miner(1), ctxAt(1_000, false))).toBe('stale');
  });

  it('a miner never polled (or without a snapshot) has nothing to show', () => {
    expect(displayFreshness(miner(1, { freshness: 'never', lastSeenAt: null }, null), ctxAt())).toBe('never');
    expect(displayFreshness(miner(1, { freshness: 'live' }, null), ctxAt())).toBe('never');
  });

  it('stale figures remain visible (marked), so they still sort', () => {
    const r = miner(1, { freshness: 'stale' }, { hashrateThs: 90 });
    expect(sortValue(r, 'hashrateThs', ctxAt())).toBe(90);
  });
});
