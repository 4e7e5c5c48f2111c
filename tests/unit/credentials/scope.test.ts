import { describe, expect, it } from 'vitest';
import {
  applicableScopes,
  hostOf,
  parseScope,
  type Scope,
} from '../../../electron/core/credentials/scope.js';

const scopes = (...keys: string[]): Scope[] =>
  keys.map((k) => {
    const s = parseScope(k);
    if (typeof s === 'string') throw new Error(`bad fixture ${k}: ${s}`);
    return s;
  });

describe('parseScope', () => {
  it('accepts the three kinds and canonicalises MACs', () => {
    expect(parseScope('farm')).toEqual({ kind: 'farm', key: 'farm' });
    expect(parseScope('miner:AA-BB-CC-00-11-22')).toMatchObject({
      kind: 'miner',
      key: 'miner:aa:bb:cc:00:11:22',
    });
    expect(parseScope('range:10.0.0.0/22')).toMatchObject({
      kind: 'range',
      key: 'range:10.0.0.0/22',
      prefix: 22,
    });
    expect(parseScope('range:0.0.0.0/0')).toMatchObject({ kind: 'range', prefix: 0 });
    expect(parseScope('range:10.0.0.7/32')).toMatchObject({ kind: 'range', prefix: 32 });
  });

  it.each([
    ['', 'empty'],
    ['Farm', 'wrong case'],
    ['miner:aa:bb:cc:dd:ee', 'short MAC'],
    ['miner:aa:bb-cc:dd:ee:ff', 'mixed separators'],
    ['miner:00:00:00:00:00:00', 'all-zero MAC'],
    ['miner:gg:bb:cc:dd:ee:ff', 'not hex'],
    ['range:10.0.0.0', 'no prefix'],
    ['range:10.0.0.1/22', 'host bits set'],
    ['range:10.0.0.0/33', 'prefix too long'],
    ['range:256.0.0.0/8', 'octet too big'],
    ['range:010.0.0.0/8', 'leading zero'],
    ['range:10.0.0.0/022', 'padded prefix'],
    ['range:::1/128', 'IPv6'],
    ['hunter2', 'a password typed into the scope box'],
    ['farm ', 'trailing space'],
  ])('rejects %j (%s) without echoing it', (text) => {
    const r = parseScope(text);
    expect(typeof r).toBe('string');
    if (text.length > 3) expect(r).not.toContain(text);
  });

  it('names the right start of a range whose host bits are set', () => {
    expect(parseScope('range:10.0.1.0/22')).toContain('10.0.0.0/22');
  });
});

describe('hostOf', () => {
  it('strips ports and IPv6 brackets', () => {
    expect(hostOf('10.0.0.5')).toBe('10.0.0.5');
    expect(hostOf('10.0.0.5:8080')).toBe('10.0.0.5');
    expect(hostOf('[::1]:80')).toBe('::1');
    expect(hostOf('antminer.local')).toBe('antminer.local');
  });
});

describe('applicableScopes (resolution order)', () => {
  const all = scopes(
    'farm',
    'range:10.0.0.0/8',
    'range:10.0.0.0/22',
    'range:10.0.2.0/24',
    'range:192.168.0.0/16',
    'miner:aa:bb:cc:dd:ee:01',
    'miner:aa:bb:cc:dd:ee:02',
  );

  it('tries the MAC first, then ranges by longest prefix, then the farm', () => {
    const order = applicableScopes(all, { address: '10.0.2.9:80', mac: 'AA:BB:CC:DD:EE:01' }).map(
      (s) => s.key,
    );
    expect(order).toEqual([
      'miner:aa:bb:cc:dd:ee:01',
      'range:10.0.2.0/24',
      'range:10.0.0.0/22',
      'range:10.0.0.0/8',
      'farm',
    ]);
  });

  it('matches ranges on the address boundaries and not beyond', () => {
    const keys = (address: string) =>
      applicableScopes(all, { address, mac: null })
        .filter((s) => s.kind === 'range')
        .map((s) => s.key);
    expect(keys('10.0.3.255')).toEqual(['range:10.0.0.0/22', 'range:10.0.0.0/8']);
    expect(keys('10.0.4.0')).toEqual(['range:10.0.0.0/8']);
    expect(keys('11.0.0.0')).toEqual([]);
    expect(keys('192.168.255.255')).toEqual(['range:192.168.0.0/16']);
    expect(keys('192.169.0.0')).toEqual([]);
  });

  it('uses only the farm default for a host name or IPv6 address, and ignores other miners', () => {
    expect(applicableScopes(all, { address: 'antminer.local', mac: null }).map((s) => s.key)).toEqual([
      'farm',
    ]);
    expect(
      applicableScopes(all, { address: '[::1]:80', mac: 'aa:bb:cc:dd:ee:03' }).map((s) => s.key),
    ).toEqual(['farm']);
  });

  it('handles /0 and /32', () => {
    const s = scopes('range:0.0.0.0/0', 'range:10.1.2.3/32');
    expect(applicableScopes(s, { address: '10.1.2.3', mac: null }).map((x) => x.key)).toEqual([
      'range:10.1.2.3/32',
      'range:0.0.0.0/0',
    ]);
    expect(applicableScopes(s, { address: '10.1.2.4', mac: null }).map((x) => x.key)).toEqual([
      'range:0.0.0.0/0',
    ]);
  });
});
