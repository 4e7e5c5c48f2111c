import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../../renderer/src/store/create-store.js';
import { iso, miner, T0 } from './fixtures.js';

describe('miners slice', () => {
  it('loads the full list and marks it loaded', () => {
    const store = createAppStore({ nowMs: T0 });
    expect(store.getState().minersLoaded).toBe(false);
    store.getState().replaceMiners([miner(1), miner(2)]);
    const s = store.getState();
    expect(s.minersLoaded).toBe(true);
    expect([...s.minersById.keys()]).toEqual([miner(1).id, miner(2).id]);
  });

  it('merges a tick: changed records replace, new ones are added, removed ones disappear', () => {
    const store = createAppStore({ nowMs: T0 });
    store.getState().replaceMiners([miner(1), miner(2), miner(3)]);
    const v0 = store.getState().minersVersion;
    const updated = miner(2, {}, { hashrateThs: 55 });
    store
      .getState()
      .applyTick({ at: iso(T0 + 10_000), changed: [updated, miner(4)], removed: [miner(3).id] });
    const s = store.getState();
    expect(s.minersById.get(miner(2).id)?.snapshot?.hashrateThs).toBe(55);
    expect(s.minersById.has(miner(4).id)).toBe(true);
    expect(s.minersById.has(miner(3).id)).toBe(false);
    expect(s.minersById.size).toBe(3);
    expect(s.minersVersion).toBeGreaterThan(v0);
    expect(s.lastTickAt).toBe(iso(T0 + 10_000));
  });

  it('touches only the changed miners of a large fleet (unchanged records keep their identity)', () => {
    const store = createAppStore({ nowMs: T0 });
    const fleet = Array.from({ length: 10_000 }, (_, i) => miner(i));
    store.getState().replaceMiners(fleet);
    const mapBefore = store.getState().minersById;
    const untouched = mapBefore.get(fleet[5000]!.id);
    const changed = [miner(10, {}, { hashrateThs: 1 }), miner(20, {}, { hashrateThs: 2 })];
    store.getState().applyTick({ at: iso(T0), changed, removed: [] });
    const s = store.getState();
    // Same map updated in place (no O(fleet) copy); only the two changed records were replaced.
    expect(s.minersById).toBe(mapBefore);
    expect(s.minersById.get(fleet[5000]!.id)).toBe(untouched);
    expect(s.minersById.get(miner(10).id)).toBe(changed[0]);
    expect(s.minersById.size).toBe(10_000);
  });

  it('an empty tick does not bump the version (nothing re-renders)', () => {
    const store = createAppStore({ nowMs: T0 });
    store.getState().replaceMiners([miner(1)]);
    const v = store.getState().minersVersion;
    store.getState().applyTick({ at: iso(T0 + 1000), changed: [], removed: [] });
    expect(store.getState().minersVersion).toBe(v);
    expect(store.getState().lastTickAt).toBe(iso(T0 + 1000));
  });

  it('ignores removal of an id it never held', () => {
    const store = createAppStore({ nowMs: T0 });
    store.getState().replaceMiners([miner(1)]);
    store.getState().applyTick({ at: iso(T0), changed: [], removed: ['nope'] });
    expect(store.getState().minersById.size).toBe(1);
  });

  it('a reload after reconnect replaces everything, dropping miners removed while disconnected', () => {
    const store = createAppStore({ nowMs: T0 });
    store.getState().replaceMiners([miner(1), miner(2)]);
    store.getState().replaceMiners([miner(2)]);
    expect([...store.getState().minersById.keys()]).toEqual([miner(2).id]);
  });
});

describe('ui slice', () => {
  it('sorts numeric columns biggest first, text columns A-Z, and flips on the second click', () => {
    const store = createAppStore({ nowMs: T0 });
    store.getState().sortMinersBy('hashrateThs');
    expect(store.getState().minersSort).toEqual({ key: 'hashrateThs', dir: 'desc' });
    store.getState().sortMinersBy('hashrateThs');
    expect(store.getState().minersSort).toEqual({ key: 'hashrateThs', dir: 'asc' });
    store.getState().sortMinersBy('model');
    expect(store.getState().minersSort).toEqual({ key: 'model', dir: 'asc' });
  });
});

describe('clock slice', () => {
  it('learns the core clock offset from tick times, ignoring sub-second jitter', () => {
    const store = createAppStore({ nowMs: T0 });
    store.getState().noteServerTime(iso(T0 + 60_000), T0);
    expect(store.getState().serverOffsetMs).toBe(60_000);
    store.getState().noteServerTime(iso(T0 + 60_400), T0);
    expect(store.getState().serverOffsetMs).toBe(60_000);
    store.getState().noteServerTime('not a time', T0);
    expect(store.getState().serverOffsetMs).toBe(60_000);
  });
});
