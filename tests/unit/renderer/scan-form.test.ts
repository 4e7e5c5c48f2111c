/**
 * Discovery form parsing and scan progress arithmetic.
 */
import { describe, expect, it } from 'vitest';
import { isTargetLike, parseOptionalInt, parseTargets } from '../../../renderer/src/logic/scan-targets.js';
import { laterProgress, progressFraction, progressLabel } from '../../../renderer/src/logic/progress.js';

describe('scan targets', () => {
  it('splits on newlines, commas and spaces, keeps order and drops repeats and blanks', () => {
    const r = parseTargets('10.0.0.0/22\n10.0.1-2.1-50, 10.0.5.17:8080  10.0.0.0/22\n\n,miner-7.local');
    expect(r.errors).toEqual([]);
    expect(r.targets).toEqual(['10.0.0.0/22', '10.0.1-2.1-50', '10.0.5.17:8080', 'miner-7.local']);
  });

  it('reports each entry that is not a target, by name', () => {
    const r = parseTargets('10.0.0.300, 10.0.0.0/33\n10.0.2-1.5, host!, 10.0.0.1:70000, 127.0.0.1');
    expect(r.targets).toEqual(['127.0.0.1']);
    expect(r.errors).toHaveLength(5);
    expect(r.errors[0]).toContain('10.0.0.300');
    expect(r.errors.join(' ')).toContain('host!');
  });

  it('accepts the forms the core documents', () => {
    for (const t of [
      '10.0.0.0/22',
      '10.0.1-2.1-50',
      '192.168.1.10',
      'host:4028',
      '[::1]:80',
      '127.0.0.1:8080',
    ])
      expect(isTargetLike(t), t).toBe(true);
    for (const t of ['10.0.0', '1.2.3.4/40', 'a_b', '10.0.0.1:0', '-host'])
      expect(isTargetLike(t), t).toBe(false);
  });

  it('reads optional numbers within bounds, empty meaning default', () => {
    expect(parseOptionalInt('', 1, 4096, 'Concurrency')).toEqual({ value: undefined, error: null });
    expect(parseOptionalInt(' 512 ', 1, 4096, 'Concurrency')).toEqual({ value: 512, error: null });
    expect(parseOptionalInt('5000', 1, 4096, 'Concurrency').error).toMatch(/1 to 4096/);
    expect(parseOptionalInt('2.5', 20, 10_000, 'Timeout').error).toMatch(/whole number/);
  });
});

describe('scan progress', () => {
  it('is a fraction in [0, 1] that never divides by zero', () => {
    expect(progressFraction(0, 0)).toBe(0);
    expect(progressFraction(256, 1024)).toBe(0.25);
    expect(progressFraction(2000, 1024)).toBe(1);
    expect(progressFraction(3, 0, true)).toBe(1);
    expect(progressFraction(Number.NaN, 10)).toBe(0);
  });

  it('labels probed over total with a whole percentage', () => {
    expect(progressLabel(512, 1024)).toBe('512 / 1,024 probed (50 %)');
    expect(progressLabel(1023, 1024)).toBe('1,023 / 1,024 probed (99 %)');
    expect(progressLabel(1024, 1024, true)).toBe('1,024 / 1,024 probed (100 %)');
  });

  it('never goes backwards, and a late event does not undo the final one', () => {
    const p = (probed: number, done = false) => ({ probed, done });
    expect(laterProgress(p(500), p(400))).toEqual(p(500));
    expect(laterProgress(p(500), p(600))).toEqual(p(600));
    expect(laterProgress(p(1000, true), p(900))).toEqual(p(1000, true));
    expect(laterProgress(p(900), p(700, true))).toEqual(p(700, true));
  });
});
