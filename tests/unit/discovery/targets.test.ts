import { describe, expect, it } from 'vitest';
import { HashwatchError } from '../../../shared/errors.js';
import { MAX_SCAN_ADDRESSES, parseTargets, targetAddress } from '../../../electron/core/discovery/targets.js';

const addresses = (inputs: string[], opts = {}) => [...parseTargets(inputs, opts)].map(targetAddress);

function refusal(fn: () => unknown): HashwatchError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HashwatchError);
    expect((e as HashwatchError).code).toBe('ValidationError');
    return e as HashwatchError;
  }
  throw new Error('expected a ValidationError');
}

describe('parseTargets', () => {
  it('expands a CIDR block without its network and broadcast addresses', () => {
    const set = parseTargets(['10.0.0.0/30']);
    expect(set.total).toBe(2);
    expect([...set].map(targetAddress)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(parseTargets(['10.0.0.0/22']).total).toBe(1022);
    // The base address need not be the network address.
    expect(addresses(['192.168.7.77/29'])).toEqual([
      '192.168.7.73',
      '192.168.7.74',
      '192.168.7.75',
      '192.168.7.76',
      '192.168.7.77',
      '192.168.7.78',
    ]);
  });

  it('keeps both addresses of a /31 and the one of a /32', () => {
    expect(addresses(['10.9.9.8/31'])).toEqual(['10.9.9.8', '10.9.9.9']);
    expect(addresses(['10.9.9.8/32'])).toEqual(['10.9.9.8']);
  });

  it('expands per-octet ranges and full ranges', () => {
    const set = parseTargets(['10.0.1-2.1-50']);
    expect(set.total).toBe(100);
    const list = [...set].map(targetAddress);
    expect(list[0]).toBe('10.0.1.1');
    expect(list[49]).toBe('10.0.1.50');
    expect(list[50]).toBe('10.0.2.1');
    expect(list.at(-1)).toBe('10.0.2.50');
    expect(addresses(['10.0.0.254-10.0.1.1'])).toEqual(['10.0.0.254', '10.0.0.255', '10.0.1.0', '10.0.1.1']);
  });

  it('accepts single hosts with and without ports, host names and IPv6 literals', () => {
    expect(addresses(['10.0.3.7'])).toEqual(['10.0.3.7']);
    const set = parseTargets(['10.0.3.7:8080', 'miner-01.local', '[fe80::1]:81', '::1']);
    expect([...set]).toEqual([
      { host: '10.0.3.7', port: 8080 },
      { host: 'miner-01.local', port: null },
      { host: 'fe80::1', port: 81 },
      { host: '::1', port: null },
    ]);
    expect(targetAddress({ host: 'fe80::1', port: 81 })).toBe('[fe80::1]:81');
  });

  it('splits comma and space separated lists and removes duplicates, in address order', () => {
    expect(addresses(['10.0.0.3, 10.0.0.1 10.0.0.2', '10.0.0.1-3', '10.0.0.10'])).toEqual([
      '10.0.0.1',
      '10.0.0.2',
      '10.0.0.3',
      '10.0.0.10',
    ]);
  });

  it('reads target files (@file or a plain path) with comments and blank lines', () => {
    const files: Record<string, string> = {
      'farm.txt': '# row A\n10.0.0.1\n\n10.0.0.2:81  # the odd one\n10.0.1.0/30\n',
      './more/list.txt': '10.0.5.5\n',
    };
    const opts = {
      allowFiles: true,
      readFile: (p: string) => {
        const f = files[p];
        if (f === undefined) throw new Error('ENOENT: no such file');
        return f;
      },
      isFile: (p: string) => p in files,
    };
    expect(addresses(['@farm.txt'], opts)).toEqual(['10.0.0.1', '10.0.1.1', '10.0.1.2', '10.0.0.2:81']);
    expect(addresses(['./more/list.txt'], opts)).toEqual(['10.0.5.5']);
    expect(refusal(() => parseTargets(['@missing.txt'], opts)).message).toMatch(/missing\.txt/);
  });

  it('names the file and line of a bad target in a file', () => {
    const opts = { allowFiles: true, readFile: () => '10.0.0.1\n10.0.0.300\n', isFile: () => true };
    expect(refusal(() => parseTargets(['@f.txt'], opts)).message).toMatch(/10\.0\.0\.300.*f\.txt:2/);
  });

  it('refuses target files where files are not allowed (the contract)', () => {
    expect(refusal(() => parseTargets(['@/etc/passwd'])).message).toMatch(/not accepted/);
  });

  it('refuses more than a /14 at once, naming the limit, without expanding it', () => {
    expect(parseTargets(['10.0.0.0/14']).total).toBe(MAX_SCAN_ADDRESSES - 2);
    const e = refusal(() => parseTargets(['10.0.0.0/8']));
    expect(e.message).toMatch(/262,144/);
    expect(e.details).toEqual({ limit: MAX_SCAN_ADDRESSES });
    expect(refusal(() => parseTargets(['10.0.0.0/14', '10.8.0.0/24'])).message).toMatch(/262,144/);
    expect(refusal(() => parseTargets(['0.0.0.0/0'])).message).toMatch(/262,144/);
    expect(refusal(() => parseTargets(['1-255.1-255.1-255.1-255'])).message).toMatch(/262,144/);
  });

  it('refuses malformed targets with the target in the message', () => {
    for (const bad of [
      '10.0.0.256',
      '10.0.0',
      '10.0.0.1/33',
      '10.0.0.1/x',
      '10.0.5-1.1',
      '10.0.0.1:0',
      '10.0.0.1:70000',
      '10.0.0.1:http',
      'fe80::/64',
      'no_underscores.example',
      '10.0.0.0/24:80',
      '10.0.0.9-10.0.0.1',
    ]) {
      expect(refusal(() => parseTargets([bad])).message, bad).toContain(bad);
    }
  });
});
