/**
 * Starts `hashwatch serve` (the built CLI) for an end-to-end test and reads the printed URLs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Served {
  url: string;
  operatorUrl: string;
  viewerUrl: string;
  output: () => string;
  stop(): Promise<number | null>;
}

export async function serve(extraArgs: string[] = []): Promise<Served> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-e2e-'));
  const child: ChildProcess = spawn(
    process.execPath,
    ['dist/cli/hashwatch.js', 'serve', '--data-dir', dataDir, ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const deadline = Date.now() + 30_000;
  while (!/viewer:\s+\S+/.test(out)) {
    if (child.exitCode !== null) throw new Error(`serve exited early:\n${out}`);
    if (Date.now() > deadline) throw new Error(`serve printed no URL:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const pick = (label: string) => new RegExp(`${label}:\\s+(\\S+)`).exec(out)![1]!;
  return {
    url: /serving at (\S+)/.exec(out)![1]!,
    operatorUrl: pick('operator'),
    viewerUrl: pick('viewer'),
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', (code) => resolve(code));
        child.kill('SIGINT');
      }),
  };
}
