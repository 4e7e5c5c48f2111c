/**
 * The site a farm stands in: ambient air and cooling water over the day.
 *
 * Shared by every miner of a farm, a pure function of the sim clock so lazy per-miner physics sees
 * the same weather whenever it is evaluated.
 */
import { noiseNormal } from './rng.js';
import type { ScenarioSpec } from './types.js';

const KNOT_MS = 10 * 60_000;

/** Ambient model: daily cycle, slow random wander, optional heat wave. */
export class Site {
  readonly meanC: number;
  readonly swingC: number;
  readonly noiseC: number;
  readonly rackSpreadC: number;
  readonly waterMeanC: number;
  readonly timezone: string;
  readonly tzOffsetH: number;
  private readonly heatWave: { startMs: number; endMs: number; extraC: number } | null;

  constructor(
    private readonly seed: number,
    spec: ScenarioSpec['site'] | undefined,
    startMs: number,
  ) {
    this.meanC = spec?.ambientC ?? 24;
    this.swingC = spec?.dailySwingC ?? 6;
    this.noiseC = spec?.noiseC ?? 0.8;
    this.rackSpreadC = spec?.rackSpreadC ?? 1.5;
    this.waterMeanC = spec?.waterC ?? 30;
    this.timezone = spec?.timezone ?? 'GMT';
    const m = /^GMT([+-]\d{1,2})?$/.exec(this.timezone);
    this.tzOffsetH = m?.[1] ? Number(m[1]) : 0;
    const hw = spec?.heatWave;
    this.heatWave = hw
      ? {
          startMs: startMs + hw.startS * 1000,
          endMs: startMs + (hw.startS + hw.durationS) * 1000,
          extraC: hw.extraC,
        }
      : null;
  }

  /** Hour of the day (0-24, fractional) in the site's timezone. */
  hourOfDay(tMs: number): number {
    const h = (tMs / 3_600_000 + this.tzOffsetH) % 24;
    return h < 0 ? h + 24 : h;
  }

  /** Extra heat of the heat wave at a time (ramps in and out over a fifth of its length). */
  heatWaveC(tMs: number): number {
    const hw = this.heatWave;
    if (!hw || tMs < hw.startMs || tMs >= hw.endMs) return 0;
    const len = hw.endMs - hw.startMs;
    const ramp = Math.max(1, len * 0.2);
    const x = Math.min(1, (tMs - hw.startMs) / ramp, (hw.endMs - tMs) / ramp);
    return hw.extraC * x * x * (3 - 2 * x);
  }

  /** Outdoor/hall air temperature at a time. */
  ambientC(tMs: number): number {
    const daily = this.swingC * Math.sin((2 * Math.PI * (this.hourOfDay(tMs) - 9)) / 24);
    const k = Math.floor(tMs / KNOT_MS);
    const f = (tMs - k * KNOT_MS) / KNOT_MS;
    const wander =
      (noiseNormal(this.seed, k, 0xa1) * (1 - f) + noiseNormal(this.seed, k + 1, 0xa1) * f) * this.noiseC;
    return this.meanC + daily + wander + this.heatWaveC(tMs);
  }

  /** Cooling water supply temperature (follows the air with a smaller swing). */
  waterC(tMs: number): number {
    return this.waterMeanC + 0.35 * (this.ambientC(tMs) - this.meanC);
  }
}
