import { describe, expect, it } from 'vitest';
import { HashwatchError } from '../../../shared/errors.js';
import { originOf, parseAddress } from '../../../electron/core/vnish/index.js';

describe('miner addresses', () => {
  it.each([
    ['10.0.0.5', 'http://10.0.0.5:80', { host: '10.0.0.5', port: null }],
    ['10.0.0.5:8080', 'http://10.0.0.5:8080', { host: '10.0.0.5', port: 8080 }],
    ['antminer.local', 'http://antminer.local:80', { host: 'antminer.local', port: null }],
    ['[::1]', 'http://[::1]:80', { host: '::1', port: null }],
    ['[fe80::1]:81', 'http://[fe80::1]:81', { host: 'fe80::1', port: 81 }],
    ['fe80::1', 'http://[fe80::1]:80', { host: 'fe80::1', port: null }],
  ])('%s', (address, origin, parts) => {
    expect(originOf(address)).toBe(origin);
    expect(parseAddress(address)).toMatchObject(parts);
  });

  it.each([
    '',
    ' ',
    '10.0.0.5:0',
    '10.0.0.5:65536',
    '10.0.0.5:http',
    'http://10.0.0.5',
    '[10.0.0.5]',
    '[::1',
    '[::1]x',
    ':80',
    'a b',
  ])('%j is a ValidationError', (address) => {
    let err: unknown;
    try {
      parseAddress(address);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HashwatchError);
    expect((err as HashwatchError).code).toBe('ValidationError');
  });
});
