/**
 * Chart geometry: scales, ticks, and lines broken at gaps.
 */
import { describe, expect, it } from 'vitest';
import {
  linePath,
  linearScale,
  nearestIndex,
  niceStep,
  timeTicks,
  typicalStepMs,
  yAxis,
} from '../../../renderer/src/logic/chart.js';

describe('chart scaling', () => {
  it('maps a domain linearly onto pixels (y inverted when asked)', () => {
    const y = linearScale(0, 200, 160, 10);
    expect(y(0)).toBe(160);
    expect(y(200)).toBe(10);
    expect(y(100)).toBe(85);
    expect(linearScale(5, 5, 0, 100)(5)).toBe(50);
  });

  it('picks nice steps', () => {
    expect(niceStep(16_000, 4)).toBe(5_000);
    expect(niceStep(1, 4)).toBe(0.25);
    expect(niceStep(380_000, 4)).toBe(100_000);
  });

  it('starts quantities at zero and ends on a tick above the maximum', () => {
    const a = yAxis([15_900, 16_100, null]);
    expect(a.min).toBe(0);
    expect(a.max).toBeGreaterThanOrEqual(16_100);
    expect(a.ticks[0]).toBe(0);
    expect(a.ticks.at(-1)).toBe(a.max);
  });

  it('fits temperatures, with a minimum span so noise stays flat', () => {
    const a = yAxis([74, 75, 74.5], { fromZero: false, minSpan: 10 });
    expect(a.min).toBeLessThanOrEqual(74);
    expect(a.max).toBeGreaterThanOrEqual(75);
    expect(a.max - a.min).toBeGreaterThanOrEqual(10);
    expect(new Set(a.ticks).size).toBe(a.ticks.length);
    // Shown without decimals, so the ticks must be whole numbers.
    const whole = yAxis([74, 75], { fromZero: false, minSpan: 10, integer: true });
    expect(whole.ticks.every((t) => Number.isInteger(t))).toBe(true);
  });

  it('has a sane axis without data', () => {
    expect(yAxis([null, null])).toEqual({ min: 0, max: 1, ticks: [0, 1] });
  });

  it('puts time ticks on round steps inside the range', () => {
    const t0 = Date.UTC(2026, 0, 1, 8, 7);
    const ticks = timeTicks(t0, t0 + 6 * 3_600_000, 6);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(7);
    for (const t of ticks) {
      expect(t % 3_600_000).toBe(0);
      expect(t).toBeGreaterThanOrEqual(t0);
    }
  });
});

describe('line paths', () => {
  const x = (t: number) => t;
  const y = (v: number) => v;

  it('draws one line through consecutive points', () => {
    expect(
      linePath(
        [
          { t: 0, v: 1 },
          { t: 10, v: 2 },
          { t: 20, v: 3 },
        ],
        x,
        y,
      ),
    ).toBe('M0 1L10 2L20 3');
  });

  it('breaks the line at nulls and at holes longer than the gap', () => {
    const pts = [
      { t: 0, v: 1 },
      { t: 10, v: null },
      { t: 20, v: 3 },
      { t: 30, v: 4 },
      { t: 100, v: 5 },
    ];
    expect(linePath(pts, x, y, 30)).toBe('M0 1M20 3L30 4M100 5');
  });

  it('finds the typical step from the median', () => {
    expect(typicalStepMs([{ t: 0 }, { t: 10 }, { t: 20 }, { t: 90 }])).toBe(10);
    expect(typicalStepMs([{ t: 0 }])).toBeNull();
  });
});

describe('hover readout', () => {
  it('finds the nearest point by time, ties to the earlier one', () => {
    const pts = [{ t: 0 }, { t: 10 }, { t: 20 }, { t: 60 }];
    expect(nearestIndex(pts, -5)).toBe(0);
    expect(nearestIndex(pts, 14)).toBe(1);
    expect(nearestIndex(pts, 15)).toBe(1);
    expect(nearestIndex(pts, 41)).toBe(3);
    expect(nearestIndex(pts, 500)).toBe(3);
    expect(nearestIndex([], 5)).toBe(-1);
  });
});
