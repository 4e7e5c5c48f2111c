import { describe, expect, it } from 'vitest';
import { createRegistry, type KnownMiner } from '../../../electron/core/fleet/registry.js';

const memory = (initial: KnownMiner[] = []) => {
  const rows = new Map(initial.map((m) => [m.id, m]));
  return {
    rows,
    load: () => [...rows.values()],
    save: (m: KnownMiner) => void rows.set(m.id, m),
    remove: (id: string) => void rows.delete(id),
  };
};

describe('fleet registry', () => {
  it('adds new miners by MAC identity and persists them', () => {
    const db = memory();
    const reg = createRegistry(db);
    const c = reg.adopt([
      { address: '127.0.0.2', mac: '02-00-00-00-00-0A' },
      { address: '127.0.0.3', mac: null },
    ]);
    expect(c.added.map((m) => m.id)).toEqual(['02:00:00:00:00:0a', 'addr:127.0.0.3']);
    expect([...db.rows.keys()].sort()).toEqual(['02:00:00:00:00:0a', 'addr:127.0.0.3']);
    // Seen again where it was: nothing changes.
    expect(reg.adopt([{ address: '127.0.0.2', mac: '02:00:00:00:00:0a' }])).toEqual({
      added: [],
      moved: [],
      removed: [],
    });
  });

  it('moves a known MAC found at a new address instead of adding a second miner, keeping its labels', () => {
    const db = memory([
      { id: '02:00:00:00:00:0a', address: '127.0.0.2', mac: '02:00:00:00:00:0a', labels: { rack: 'B3' } },
    ]);
    const reg = createRegistry(db);
    const c = reg.adopt([{ address: '127.0.0.9', mac: '02:00:00:00:00:0A' }]);
    expect(c.added).toEqual([]);
    expect(c.moved).toEqual([
      {
        from: expect.objectContaining({ address: '127.0.0.2' }),
        to: {
          id: '02:00:00:00:00:0a',
          address: '127.0.0.9',
          mac: '02:00:00:00:00:0a',
          labels: { rack: 'B3' },
        },
      },
    ]);
    expect(reg.size()).toBe(1);
    expect(reg.byAddress('127.0.0.9')?.id).toBe('02:00:00:00:00:0a');
    expect(reg.byAddress('127.0.0.2')).toBeUndefined();
    expect(db.rows.get('02:00:00:00:00:0a')?.address).toBe('127.0.0.9');
  });

  it('upgrades a miner watched by address to its MAC identity once the MAC is known', () => {
    const db = memory();
    const reg = createRegistry(db);
    reg.adopt([{ address: '127.0.0.5', mac: null }]);
    reg.setLabels('addr:127.0.0.5', { site: 'north' });
    const c = reg.adopt([{ address: '127.0.0.5', mac: '02:00:00:00:00:05' }]);
    expect(c.moved).toHaveLength(1);
    expect(c.moved[0]!.to).toEqual({
      id: '02:00:00:00:00:05',
      address: '127.0.0.5',
      mac: '02:00:00:00:00:05',
      labels: { site: 'north' },
    });
    expect(reg.list().map((m) => m.id)).toEqual(['02:00:00:00:00:05']);
    expect([...db.rows.keys()]).toEqual(['02:00:00:00:00:05']);
  });

  it('removes miners', () => {
    const reg = createRegistry(memory());
    reg.adopt([{ address: '127.0.0.2', mac: '02:00:00:00:00:02' }]);
    expect(reg.remove(['02:00:00:00:00:02', 'nope']).removed).toHaveLength(1);
    expect(reg.size()).toBe(0);
  });
});
