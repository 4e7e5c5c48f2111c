import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastParse, UNSURE } from '../../../electron/core/vnish/fast-parse.js';
import { RawPerfSummarySchema, RawSummarySchema } from '../../../electron/core/vnish/index.js';
import { HashwatchError } from '../../../shared/errors.js';
import { normaliseSnapshot } from '../../../electron/core/vnish/index.js';

// The hand-rolled /summary and /perf-summary twins must never disagree with the zod schemas they
// stand in for: when a twin answers, the schema accepts the body and outputs the same thing.

const fixtureDir = new URL('../../fixtures/vnish/', import.meta.url);
const fixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, fixtureDir), 'utf8')) as Record<string, unknown>);

const sloppy: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('NaN', 'Infinity', '1e999', '0x1F', '', ' ', '12abc', ' 7 '),
  fc.constantFrom(1e308, -1e308, Number.MAX_VALUE, -0, NaN, Infinity, -Infinity),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 8 }),
  fc.constant(null),
);
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.boolean(),
  fc.constant({}),
  fc.constant([]),
  fc.constant(undefined),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.integer(), { maxKeys: 2 }),
);

function shaped(template: unknown, depth = 0): fc.Arbitrary<unknown> {
  const weird = fc.oneof(sloppy, wrongType);
  if (Array.isArray(template)) {
    const item = template[0];
    const items = item === undefined ? fc.constant([]) : fc.array(shaped(item, depth + 1), { maxLength: 3 });
    return fc.oneof({ weight: 8, arbitrary: items }, { weight: 1, arbitrary: weird });
  }
  if (template !== null && typeof template === 'object') {
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [k, v] of Object.entries(template as Record<string, unknown>)) model[k] = shaped(v, depth + 1);
    const record = fc
      .tuple(
        fc.record(model, { requiredKeys: [] }),
        fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(sloppy, wrongType), { maxKeys: 2 }),
      )
      .map(([r, extra]) => ({ ...extra, ...(r as object) }));
    return depth === 0
      ? record
      : fc.oneof({ weight: 10, arbitrary: record }, { weight: 1, arbitrary: weird });
  }
  return fc.oneof({ weight: 4, arbitrary: fc.constant(template) }, { weight: 1, arbitrary: weird });
}

const cases = [
  { name: '/summary', schema: RawSummarySchema, key: 'summary' },
  { name: '/perf-summary', schema: RawPerfSummarySchema, key: 'perfSummary' },
] as const;

describe('fast /summary and /perf-summary parsing', () => {
  for (const { name, schema, key } of cases) {
    const bodies = fixtures.map((f) => f[key]).filter((b) => b !== undefined && b !== null);

    it(`${name}: every fixture takes the fast path and matches the schema`, () => {
      expect(bodies.length).toBeGreaterThan(0);
      for (const body of bodies) {
        const fast = fastParse(schema, body);
        expect(fast).not.toBe(UNSURE);
        expect(fast).toStrictEqual(schema.parse(body));
      }
    });

    it(`${name}: mutated bodies give the schema's output, or defer to it`, () => {
      let answered = 0;
      let deferred = 0;
      fc.assert(
        fc.property(fc.oneof(...bodies.map((b) => shaped(b))), (body) => {
          const fast = fastParse(schema, body);
          const r = schema.safeParse(body);
          if (fast === UNSURE) {
            deferred += 1;
            return;
          }
          answered += 1;
          expect(r.success).toBe(true);
          expect(fast).toStrictEqual(r.data);
        }),
        { numRuns: 1500, seed: 515 },
      );
      // Both branches must be exercised, or the property proves nothing about one of them.
      expect(answered).toBeGreaterThan(100);
      expect(deferred).toBeGreaterThan(100);
    });

    it(`${name}: in place on a fresh JSON body, the same output; when unsure, zod sees the same body`, () => {
      let answered = 0;
      let deferred = 0;
      fc.assert(
        fc.property(fc.oneof(...bodies.map((b) => shaped(b))), (raw) => {
          const text = JSON.stringify(raw) ?? 'null';
          const expected = schema.safeParse(JSON.parse(text));
          const body: unknown = JSON.parse(text);
          const fast = fastParse(schema, body, true);
          if (fast === UNSURE) {
            deferred += 1;
            // Half-changed by the twin, the body still gets the schema's verdict on the original.
            const again = schema.safeParse(body);
            expect(again.success).toBe(expected.success);
            if (expected.success) expect(again.data).toStrictEqual(expected.data);
            else expect(again.error?.issues[0]?.path).toEqual(expected.error.issues[0]?.path);
            return;
          }
          answered += 1;
          expect(expected.success).toBe(true);
          expect(fast).toStrictEqual(expected.data);
        }),
        { numRuns: 1500, seed: 616 },
      );
      expect(answered).toBeGreaterThan(100);
      expect(deferred).toBeGreaterThan(100);
    });
  }

  it('leaves odd bodies to zod: null, arrays, class instances, a __proto__ key', () => {
    for (const body of [null, [], new Date(0), JSON.parse('{"__proto__": {"miner": 1}}') as unknown]) {
      expect(fastParse(RawSummarySchema, body)).toBe(UNSURE);
    }
    expect(fastParse(RawSummarySchema, { system: { uptime: Infinity } })).toBe(UNSURE);
  });

  it('in place, a -0 from the wire leaves as 0, as the schema makes it', () => {
    const body = JSON.parse('{"miner":{"hw_errors":-0,"hr_realtime":"12.5"}}') as unknown;
    const out = fastParse(RawSummarySchema, body, true) as { miner: { hw_errors: number } };
    expect(Object.is(out.miner.hw_errors, 0)).toBe(true);
    expect(out).toStrictEqual(
      RawSummarySchema.parse(JSON.parse('{"miner":{"hw_errors":-0,"hr_realtime":"12.5"}}')),
    );
  });

  it('a wrongly typed /summary field is still refused naming the field', () => {
    const bad = { miner: { chains: [{ id: 1, chip_temp: { max: { deg: 70 } } }] } };
    expect(fastParse(RawSummarySchema, bad)).toBe(UNSURE);
    let err: unknown;
    try {
      normaliseSnapshot({ address: 'a', polledAt: '2026-12-03T12:00:00.000Z', summary: bad });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HashwatchError);
    expect((err as HashwatchError).code).toBe('BadResponse');
    expect((err as HashwatchError).message).toContain('miner.chains.0.chip_temp.max');
  });
});
