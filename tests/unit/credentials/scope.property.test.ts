import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applicableScopes,
  intToIpv4,
  ipv4ToInt,
  parseScope,
  type Scope,
} from '../../../electron/core/credentials/scope.js';

const ip = fc.integer({ min: 0, max: 0xffffffff });
const prefix = fc.integer({ min: 0, max: 32 });

/** The reference answer: compare the first `p` bits as text. */
const bits = (v: number) => v.toString(2).padStart(32, '0');
const inRange = (addr: number, net: number, p: number) => bits(addr).slice(0, p) === bits(net).slice(0, p);

const rangeOf = (addr: number, p: number): Scope => {
  const net = p === 0 ? 0 : Number.parseInt(bits(addr).slice(0, p).padEnd(32, '0'), 2);
  const s = parseScope(`range:${intToIpv4(net)}/${p}`);
  if (typeof s === 'string') throw new Error(s);
  return s;
};

describe('scope properties', () => {
  it('round-trips every IPv4 address', () => {
    fc.assert(fc.property(ip, (v) => ipv4ToInt(intToIpv4(v)) === v));
  });

  it('matches a range exactly when the leading prefix bits agree', () => {
    fc.assert(
      fc.property(ip, ip, prefix, (addr, base, p) => {
        const scope = rangeOf(base, p);
        const matched = applicableScopes([scope], { address: intToIpv4(addr), mac: null }).length === 1;
        return matched === inRange(addr, base, p);
      }),
      { numRuns: 2000 },
    );
  });

  it('always orders the applicable ranges by descending prefix, with the farm last', () => {
    fc.assert(
      fc.property(ip, fc.array(prefix, { maxLength: 8 }), (addr, prefixes) => {
        const scopes = [...prefixes.map((p) => rangeOf(addr, p)), parseScope('farm') as Scope];
        const order = applicableScopes(scopes, { address: intToIpv4(addr), mac: null });
        const ps = order.flatMap((s) => (s.kind === 'range' ? [s.prefix] : []));
        expect(ps).toEqual([...ps].sort((a, b) => b - a));
        expect(order.at(-1)?.kind).toBe('farm');
        expect(ps.length).toBe(prefixes.length);
      }),
    );
  });

  it('never accepts, and never echoes, arbitrary text as a scope', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 6, maxLength: 80 }), (text) => {
        const r = parseScope(text);
        if (typeof r === 'string') return !r.includes(text);
        return r.key === text || r.key === text.toLowerCase().replace(/-/g, ':');
      }),
      { numRuns: 2000 },
    );
  });
});
