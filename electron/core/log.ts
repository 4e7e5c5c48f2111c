/**
 * The core's log: JSON lines in `<dataDir>/logs/hashwatch.log`, rotated by size.
 *
 * Entries carry an area, a message and, for errors, only the error's code, name, message and stack:
 * never request bodies, inputs or arbitrary objects, so a secret cannot ride into the log by accident.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HashwatchError } from '../../shared/errors.js';

export type LogLevel = 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, area: string, message: string, error?: unknown): void;
  close(): void;
}

export const nullLogger: Logger = { log: () => {}, close: () => {} };

function describeError(e: unknown): Record<string, string> {
  if (e instanceof HashwatchError) return { code: e.code, error: e.message };
  if (e instanceof Error) return { error: `${e.name}: ${e.message}`, stack: e.stack ?? '' };
  return { error: typeof e };
}

export interface FileLoggerOptions {
  dir: string;
  /** Rotate when the file passes this size (default 5 MB); one previous file is kept. */
  maxBytes?: number;
  now?: () => number;
}

export function createFileLogger(opts: FileLoggerOptions): Logger {
  fs.mkdirSync(opts.dir, { recursive: true });
  const file = path.join(opts.dir, 'hashwatch.log');
  const maxBytes = opts.maxBytes ?? 5 * 1024 * 1024;
  const now = opts.now ?? Date.now;
  let fd = fs.openSync(file, 'a', 0o600);
  let size = fs.fstatSync(fd).size;
  return {
    log(level, area, message, error) {
      const line =
        JSON.stringify({
          at: new Date(now()).toISOString(),
          level,
          area,
          message,
          ...(error === undefined ? {} : describeError(error)),
        }) + '\n';
      try {
        if (size + line.length > maxBytes) {
          fs.closeSync(fd);
          fs.renameSync(file, file + '.1');
          fd = fs.openSync(file, 'a', 0o600);
          size = 0;
        }
        fs.writeSync(fd, line);
        size += Buffer.byteLength(line);
      } catch {
        // A full disk must not take the app down with it.
      }
    },
    close() {
      try {
        fs.closeSync(fd);
      } catch {
        /* already closed */
      }
    },
  };
}
