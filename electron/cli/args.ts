/**
 * Small helpers shared by the CLI subcommands: the I/O they write to, integer options, stdin.
 *
 * Subcommands take their I/O as a parameter so tests run them in-process and read what a user would
 * see; `node:util` parseArgs does the flag parsing itself.
 */
import type { Readable } from 'node:stream';
import { HashwatchError } from '../../shared/errors.js';
import { factoryOnlyProvider, type CredentialProvider } from '../core/credentials/provider.js';

/** Where a subcommand writes; `isTTY` decides whether a progress line is drawn. */
export interface CliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  stdin?: Readable | NodeJS.ReadStream;
}

/** Thrown for a bad command line; the subcommand prints it with its usage and exits 2. */
export class UsageError extends Error {}

/** Parses an integer option within bounds, or throws UsageError naming the option. */
export function intOption(
  name: string,
  raw: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new UsageError(`--${name} must be a whole number, got '${raw}'`);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** Reads stdin to the end (for `--password-stdin`); the first line, without its newline. */
export async function readFirstLine(stdin: Readable | NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    if (chunks.reduce((n, c) => n + c.length, 0) > 64 * 1024) break;
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** Pads a table of strings into aligned columns (numbers right-aligned by the caller's choice). */
export function formatTable(header: string[], rows: string[][], rightAligned: ReadonlySet<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** The text shown for a bad command line: our own usage and validation errors, else the raw error. */
export function usageMessage(e: unknown): string {
  return e instanceof HashwatchError || e instanceof UsageError || e instanceof TypeError
    ? e.message
    : String(e);
}

/**
 * The credentials a one-shot command uses: the password from stdin (`--password-stdin`), else only the
 * factory default when `--factory-password` allows it. Null (after saying why) when stdin was empty.
 */
export async function cliCredentials(
  command: string,
  values: { 'password-stdin'?: boolean; 'factory-password'?: boolean },
  io: CliIo,
): Promise<CredentialProvider | null> {
  if (!values['password-stdin']) return factoryOnlyProvider(values['factory-password'] ?? false);
  const password = await readFirstLine(io.stdin ?? process.stdin);
  if (!password) {
    io.stderr.write(`hashwatch ${command}: --password-stdin got an empty password\n`);
    return null;
  }
  return { passwordFor: async () => password, tryFactoryPassword: () => false };
}
