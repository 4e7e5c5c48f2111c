import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { HashwatchError } from '../../../shared/errors.js';
import { MinerSnapshotSchema } from '../../../shared/miner.js';
import { normaliseSnapshot, type SnapshotParts } from '../../../electron/core/vnish/index.js';

// The normaliser's contract under garbage: it returns a snapshot that satisfies the product schema
// (whose numbers are all finite) or throws HashwatchError('BadResponse'); nothing else, ever.

const fixtureDir = new URL('../../fixtures/vnish/', import.meta.url);
const fixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, fixtureDir), 'utf8')) as Record<string, unknown>);

const withInfo = fixtures.find((f) => f.info)!;
const withSettings = fixtures.find((f) => f.settings)!;

/** Values a sloppy firmware sends where a number or string belongs: the normaliser must absorb them. */
const sloppy: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e999', '-1e999', '0x1F', '', ' ', '12abc', '1_000'),
  fc.constantFrom(1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER * 1e10, -0),
  fc.constantFrom(NaN, Infinity, -Infinity),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 12 }),
  fc.constant(null),
);

/** Values of a plainly wrong type: the normaliser may refuse them, but only as BadResponse. */
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.boolean(),
  fc.constant({}),
  fc.constant([]),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.integer(), { maxKeys: 3 }),
);

/**
 * An arbitrary shaped like `template` whose leaves, objects and arrays are sometimes replaced or
 * dropped. With `breaking`, replacements include wrong types; without, only sloppy values and nulls.
 */
function shaped(template: unknown, breaking: boolean, depth = 0): fc.Arbitrary<unknown> {
  const weird = breaking ? fc.oneof(sloppy, wrongType) : sloppy;
  if (Array.isArray(template)) {
    const item = template[0];
    const items =
      item === undefined ? fc.constant([]) : fc.array(shaped(item, breaking, depth + 1), { maxLength: 3 });
    return fc.oneof(
      { weight: 8, arbitrary: items },
      { weight: 1, arbitrary: breaking ? weird : fc.constant(null) },
    );
  }
  if (template !== null && typeof template === 'object') {
    const entries = Object.entries(template as Record<string, unknown>).filter(([k]) => k !== '_comment');
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [k, v] of entries) model[k] = shaped(v, breaking, depth + 1);
    const record = fc.record(model, { requiredKeys: [] });
    // Unknown extra fields near the top, where new firmware adds them; deeper it only costs time.
    const withExtra =
      depth > 2
        ? record
        : fc
            .tuple(
              record,
              fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(sloppy, wrongType), { maxKeys: 2 }),
            )
            .map(([r, extra]) => ({ ...extra, ...(r as object) }));
    if (depth === 0) return withExtra;
    return fc.oneof(
      { weight: 10, arbitrary: withExtra },
      { weight: 1, arbitrary: breaking ? weird : fc.constant(null) },
    );
  }
  return fc.oneof({ weight: 4, arbitrary: fc.constant(template) }, { weight: 1, arbitrary: weird });
}

// Built once per fixture and mode: constructing the arbitrary tree per sample would dominate the run.
const partsArb: fc.Arbitrary<Omit<SnapshotParts, 'address' | 'polledAt'>> = fc.oneof(
  ...fixtures.flatMap((f) =>
    [false, true].map((breaking) =>
      fc.record(
        {
          info: shaped(f.info ?? withInfo.info, breaking),
          model: shaped(f.model ?? {}, breaking),
          summary: shaped(f.summary, breaking),
          perfSummary: shaped(f.perfSummary ?? {}, breaking),
          settings: shaped(f.settings ?? withSettings.settings, breaking),
          chains: shaped(f.chains ?? [], breaking),
        },
        { requiredKeys: ['summary'] },
      ),
    ),
  ),
);

const outcomes = { ok: 0, badResponse: 0 };
const strictSnapshot = MinerSnapshotSchema.strict();

function hasNegativeZero(v: unknown): boolean {
  if (typeof v === 'number') return Object.is(v, -0);
  if (Array.isArray(v)) return v.some(hasNegativeZero);
  if (v !== null && typeof v === 'object') return Object.values(v).some(hasNegativeZero);
  return false;
}

function check(parts: SnapshotParts): void {
  let out: unknown;
  try {
    out = normaliseSnapshot(parts);
  } catch (e) {
    if (!(e instanceof HashwatchError) || e.code !== 'BadResponse') throw e;
    outcomes.badResponse += 1;
    return;
  }
  outcomes.ok += 1;
  const r = strictSnapshot.safeParse(out);
  if (!r.success) throw new Error(`invalid snapshot: ${r.error.message}\n${JSON.stringify(out)}`);
  // What the CLI prints must be what we hold: the schema rules out NaN/Infinity, and -0 (which JSON
  // prints as 0) is ruled out here.
  if (hasNegativeZero(out)) throw new Error(`-0 in snapshot: ${JSON.stringify(out)}`);
}

const base = { address: '10.0.0.1', polledAt: '2026-12-03T12:00:00.000Z' };

describe('normaliser fuzz', () => {
  afterAll(() => {
    // Both outcomes must be exercised, or the fuzz proves nothing about one of them.
    console.log(`fuzz outcomes: ${JSON.stringify(outcomes)}`);
    expect(outcomes.ok).toBeGreaterThan(1000);
    expect(outcomes.badResponse).toBeGreaterThan(1000);
  });

  it('shape-aware mutations of every fixture (3,500 runs, as objects)', () => {
    fc.assert(
      fc.property(partsArb, (parts) => check({ ...base, ...parts })),
      { numRuns: 3500, seed: 4242 },
    );
  }, 180_000);

  it('the same bodies as JSON text, whole or truncated anywhere (3,500 runs)', () => {
    fc.assert(
      fc.property(partsArb, fc.nat(), fc.boolean(), (parts, cut, truncate) => {
        const text = (v: unknown) => {
          if (v === undefined) return undefined;
          const t = JSON.stringify(v);
          return truncate ? t.slice(0, cut % (t.length + 1)) : t;
        };
        check({
          ...base,
          summary: text(parts.summary) ?? '',
          info: text(parts.info),
          perfSummary: text(parts.perfSummary),
          settings: text(parts.settings),
          chains: text(parts.chains),
        });
      }),
      { numRuns: 3500, seed: 4243 },
    );
  }, 180_000);

  it('arbitrary JSON values and arbitrary strings in every part (2,500 runs)', () => {
    const anyBody = fc.oneof(fc.jsonValue(), fc.string(), fc.anything());
    fc.assert(
      fc.property(anyBody, anyBody, anyBody, anyBody, (summary, info, perfSummary, chains) =>
        check({ ...base, summary, info, perfSummary, chains }),
      ),
      { numRuns: 2500, seed: 4244 },
    );
  }, 60_000);

  it('fixtures with one numeric leaf pushed to extremes still yield finite efficiency (500 runs)', () => {
    const huge = fc.constantFrom(1e308, 1e-308, Number.MIN_VALUE, 5e-324, 1.7976931348623157e308);
    fc.assert(
      fc.property(fc.constantFrom(...fixtures), huge, huge, (f, p, h) => {
        const summary = structuredClone(f.summary) as { miner?: Record<string, unknown> };
        if (summary.miner) {
          summary.miner.power_consumption = p;
          summary.miner.hr_average = h;
          summary.miner.hr_realtime = h;
        }
        check({ ...base, summary, info: f.info });
      }),
      { numRuns: 500, seed: 4245 },
    );
  }, 60_000);
});
