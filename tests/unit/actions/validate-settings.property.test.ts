import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HashwatchError } from '../../../shared/errors.js';
import {
  limitsFrom,
  validateSettings,
  type SettingsIssue,
} from '../../../electron/core/actions/validate-settings.js';
import { fw127, fw134 } from './fixtures.js';

const limits = [limitsFrom(fw127), limitsFrom(fw134)];

describe('validateSettings with random input', () => {
  it('either accepts or raises a ValidationError naming fields; never anything else', () => {
    const leaf = fc.oneof(
      fc.integer({ min: -10_000, max: 10_000 }),
      fc.string({ maxLength: 20 }),
      fc.boolean(),
      fc.constant(null),
    );
    const change = fc.oneof(
      fc.anything(),
      fc.record({
        miner: fc.record(
          {
            overclock: fc.record(
              {
                preset: leaf,
                modded_psu: leaf,
                globals: fc.record({ volt: leaf, freq: leaf }, { requiredKeys: [] }),
              },
              { requiredKeys: [] },
            ),
            cooling: fc.record(
              { mode: fc.record({ name: leaf, param: leaf }), fan_min_duty: leaf },
              { requiredKeys: [] },
            ),
            pools: fc.array(fc.record({ url: leaf, user: leaf, pass: leaf }), { maxLength: 5 }),
            misc: fc.dictionary(
              fc.constantFrom('restart_temp', 'power_limit', 'quiet_mode', '__proto__', 'x'),
              leaf,
            ),
          },
          { requiredKeys: [] },
        ),
      }),
    );
    fc.assert(
      fc.property(change, fc.constantFrom(0, 1), (c, which) => {
        try {
          const r = validateSettings(c, limits[which]!);
          expect(Array.isArray(r.warnings)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(HashwatchError);
          expect((e as HashwatchError).code).toBe('ValidationError');
          const issues = (e as HashwatchError).details as SettingsIssue[];
          expect(issues.length).toBeGreaterThan(0);
          for (const i of issues) {
            expect(typeof i.field).toBe('string');
            expect((e as HashwatchError).message.length).toBeLessThan(4000);
          }
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('never repeats a pool password, whatever else is wrong', () => {
    const secret = fc.string({ minLength: 8, maxLength: 40 }).map((s) => `PoolPw-${s}`);
    fc.assert(
      fc.property(secret, fc.string({ maxLength: 30 }), fc.string({ maxLength: 20 }), (pass, url, user) => {
        try {
          validateSettings({ miner: { pools: [{ url, user, pass: `${pass}\u0001` }] } }, limits[0]!);
          return false;
        } catch (e) {
          return !JSON.stringify({ m: (e as Error).message, d: (e as HashwatchError).details }).includes(
            pass,
          );
        }
      }),
      { numRuns: 1000 },
    );
  });
});
