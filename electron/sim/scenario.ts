/**
 * Scenario files: which miners a farm has, the site's weather, firmware timings and a fault schedule.
 *
 * A scenario is plain JSON (see `ScenarioSpec`); this module checks it and turns it into the list of
 * miners to build, so the same seed and scenario always give the same farm.
 */
import { readFileSync } from 'node:fs';
import { findModel } from './models.js';
import { FAULT_TYPES, type ScenarioGroup, type ScenarioSpec } from './types.js';
import type { Timing } from './miner.js';

const TIMEZONES = new Set([
  'GMT',
  ...Array.from({ length: 12 }, (_, i) => `GMT+${i + 1}`),
  ...Array.from({ length: 11 }, (_, i) => `GMT-${i + 1}`),
]);

/** Error in a scenario file, with the path of the offending field. */
export class ScenarioError extends Error {}

/** Read and check a scenario file. */
export function loadScenario(path: string): ScenarioSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ScenarioError(`scenario ${path}: ${(e as Error).message}`);
  }
  return checkScenario(raw, path);
}

/** Check a scenario object; throws `ScenarioError` naming the bad field. */
export function checkScenario(raw: unknown, where = 'scenario'): ScenarioSpec {
  const fail = (msg: string): never => {
    throw new ScenarioError(`${where}: ${msg}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('must be a JSON object');
  const s = raw as ScenarioSpec;
  if (s.miners !== undefined && (!Number.isInteger(s.miners) || s.miners < 1))
    fail('miners must be a positive integer');
  if (s.seed !== undefined && !Number.isFinite(s.seed)) fail('seed must be a number');
  if (
    s.startTime !== undefined &&
    !Number.isFinite(typeof s.startTime === 'number' ? s.startTime : Date.parse(s.startTime))
  )
    fail('startTime must be an ISO date or ms');
  (s.groups ?? []).forEach((g: ScenarioGroup, i) => {
    if (!Number.isFinite(g.count) || g.count < 0) fail(`groups[${i}].count must be a number >= 0`);
    if (typeof g.model !== 'string' || !findModel(g.model))
      fail(`groups[${i}].model '${String(g.model)}' is unknown (s19jpro, s19xp, s21, s21plus-hydro)`);
    if (g.firmware !== undefined && !/^\d+\.\d+\.\d+/.test(g.firmware))
      fail(`groups[${i}].firmware must look like 1.2.7`);
  });
  if (s.site?.timezone !== undefined && !TIMEZONES.has(s.site.timezone))
    fail(`site.timezone must be one of GMT, GMT+1 .. GMT+12, GMT-1 .. GMT-11`);
  (s.faults ?? []).forEach((f, i) => {
    if (!Number.isInteger(f.miner) || f.miner < 0) fail(`faults[${i}].miner must be a miner index`);
    if (!(FAULT_TYPES as readonly string[]).includes(f.type))
      fail(`faults[${i}].type must be one of ${FAULT_TYPES.join(', ')}`);
  });
  return s;
}

/** Timings with defaults applied. */
export function timingOf(s: ScenarioSpec): Timing {
  const t = s.timing ?? {};
  return {
    rebootDownS: t.rebootDownS ?? 75,
    initS: t.initS ?? 20,
    restartS: t.restartS ?? 15,
    startS: t.startS ?? 30,
    autotuneS: t.autotuneS ?? 1200,
  };
}

const DEFAULT_GROUPS: ScenarioGroup[] = [
  { count: 4, model: 's19jpro', firmware: '1.2.7' },
  { count: 2, model: 's19xp', firmware: '1.2.6' },
  { count: 3, model: 's21', firmware: '1.3.4' },
  { count: 1, model: 's21plus-hydro', firmware: '1.3.4' },
];

/** The group of each miner, for a farm of `n`: group counts are used as given, or as weights. */
export function assignGroups(s: ScenarioSpec, n: number): ScenarioGroup[] {
  const groups = s.groups && s.groups.length > 0 ? s.groups : DEFAULT_GROUPS;
  const total = groups.reduce((a, g) => a + g.count, 0);
  const out: ScenarioGroup[] = [];
  if (total === n) {
    for (const g of groups) for (let i = 0; i < g.count; i++) out.push(g);
    return out;
  }
  // Scale: miner i takes the group whose cumulative share covers (i + 0.5) / n.
  let gi = 0;
  let cum = (groups[0]?.count ?? 1) / (total || 1);
  for (let i = 0; i < n; i++) {
    const x = (i + 0.5) / n;
    while (x > cum && gi < groups.length - 1) {
      gi++;
      cum += (groups[gi]?.count ?? 0) / (total || 1);
    }
    out.push(groups[gi] as ScenarioGroup);
  }
  return out;
}
