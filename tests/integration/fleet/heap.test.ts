/**
 * The core's heap settings (core/heap.ts) give back the old generation's free holes: run a heap that
 * fragments like a polled fleet with and without `tuneHeap()`, in child processes (V8 flags are
 * per process), and compare what the old generation holds at the end.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const tsx = import.meta.resolve('tsx');
const script = fileURLToPath(new URL('../../fixtures/heap/fragment.ts', import.meta.url));

interface OldSpace {
  size: number;
  used: number;
  compactions: number;
  live: number;
}

async function run(tuned: boolean): Promise<OldSpace> {
  const args = [
    '--expose-gc',
    '--max-semi-space-size=1',
    '--import',
    tsx,
    script,
    ...(tuned ? ['tuned'] : []),
  ];
  const { stdout } = await promisify(execFile)(process.execPath, args, { timeout: 50_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as OldSpace;
}

describe('heap tuning', () => {
  it('keeps the old generation close to what is live where V8 alone keeps the holes', async () => {
    const plain = await run(false);
    const tuned = await run(true);
    // The scenario does fragment: without tuning the old generation holds far more than it uses.
    expect(plain.size - plain.used).toBeGreaterThan(0.25 * plain.used);
    expect(plain.compactions).toBe(0);
    // With it, compactions on demand ran and gave the holes back.
    expect(tuned.compactions).toBeGreaterThan(0);
    expect(tuned.size - tuned.used).toBeLessThan(0.25 * (plain.size - plain.used));
    expect(tuned.size).toBeLessThan(0.5 * plain.size);
    expect(tuned.live).toBe(plain.live);
  }, 60_000);
});
