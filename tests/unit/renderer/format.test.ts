import { describe, expect, it } from 'vitest';
import {
  DASH,
  formatAge,
  formatCount,
  formatFleetHashrate,
  formatFleetPower,
  formatJth,
  formatThs,
  formatUptime,
  formatWatts,
} from '../../../renderer/src/logic/format.js';
import { computeRowWindow } from '../../../renderer/src/logic/virtual-window.js';

describe('formatting', () => {
  it('miner figures: TH/s and J/TH with one decimal, W grouped', () => {
    expect(formatThs(104.26)).toBe('104.3');
    expect(formatJth(29.54)).toBe('29.5');
    expect(formatWatts(3250.4)).toBe('3,250');
  });

  it('unknown is a dash, never 0', () => {
    expect(formatThs(null)).toBe(DASH);
    expect(formatWatts(undefined)).toBe(DASH);
    expect(formatThs(Number.NaN)).toBe(DASH);
    expect(formatFleetPower(null)).toBe(DASH);
  });

  it('fleet totals switch unit: TH/s, PH/s, EH/s; W, kW, MW', () => {
    expect(formatFleetHashrate(950.04)).toBe('950.0 TH/s');
    expect(formatFleetHashrate(12_345)).toBe('12.35 PH/s');
    expect(formatFleetHashrate(2_010_000)).toBe('2.01 EH/s');
    expect(formatFleetPower(950)).toBe('950 W');
    expect(formatFleetPower(3_050)).toBe('3.1 kW');
    expect(formatFleetPower(37_810_000)).toBe('37.81 MW');
  });

  it('uptime and ages read at a glance', () => {
    expect(formatUptime(45)).toBe('45s');
    expect(formatUptime(12 * 60 + 5)).toBe('12m');
    expect(formatUptime(5 * 3600 + 12 * 60)).toBe('5h 12m');
    expect(formatUptime(3 * 86_400 + 4 * 3600)).toBe('3d 4h');
    expect(formatAge(4_200)).toBe('4 s');
    expect(formatAge(180_000)).toBe('3 min');
    expect(formatAge(2 * 3_600_000)).toBe('2 h');
    expect(formatAge(5 * 86_400_000)).toBe('5 d');
  });

  it('counts agree in number', () => {
    expect(formatCount(1, 'miner')).toBe('1 miner');
    expect(formatCount(10_000, 'miner')).toBe('10,000 miners');
  });
});

describe('row window (virtualised table)', () => {
  it('renders only the rows in view plus overscan, with spacers for the rest', () => {
    const w = computeRowWindow({
      scrollTopPx: 30_000,
      viewportPx: 600,
      total: 10_000,
      rowPx: 30,
      overscan: 10,
    });
    expect(w.start).toBe(990);
    expect(w.end).toBe(1031);
    expect(w.padTopPx).toBe(990 * 30);
    expect(w.padBottomPx).toBe((10_000 - 1031) * 30);
    // Spacers plus rendered rows always add up to the full height.
    expect(w.padTopPx + (w.end - w.start) * 30 + w.padBottomPx).toBe(10_000 * 30);
  });

  it('clamps at both ends and handles an empty list', () => {
    expect(computeRowWindow({ scrollTopPx: 0, viewportPx: 600, total: 5, rowPx: 30, overscan: 10 })).toEqual({
      start: 0,
      end: 5,
      padTopPx: 0,
      padBottomPx: 0,
    });
    const end = computeRowWindow({ scrollTopPx: 1e9, viewportPx: 600, total: 100, rowPx: 30, overscan: 10 });
    expect(end.end).toBe(100);
    expect(end.start).toBe(89);
    expect(computeRowWindow({ scrollTopPx: 0, viewportPx: 600, total: 0, rowPx: 30, overscan: 10 }).end).toBe(
      0,
    );
  });
});
