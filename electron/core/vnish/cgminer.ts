/**
 * The cgminer-style TCP API on port 4028: one JSON command per connection, reply ended by a NUL byte.
 *
 * Used to fingerprint devices (`stats` names `Vnish` in `STATS[0].Type`, and other firmwares name
 * themselves) and as a read fallback when the web API is down. Real replies carry trailing NULs and
 * garbage, and bmminer-era `stats` glues objects together without a comma (`}{`); all are tolerated.
 */
import { connect } from 'node:net';
import { HashwatchError } from '../../../shared/errors.js';
import { parseAddress } from './address.js';

export interface CgminerOptions {
  port?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Reply cap in bytes. */
  maxBytes?: number;
}

/** Parses a cgminer reply: text up to the first NUL, with the known JSON defects repaired. */
export function parseCgminerReply(raw: string, where: string): unknown {
  const nul = raw.indexOf('\0');
  const text = (nul >= 0 ? raw.slice(0, nul) : raw).trim();
  if (text === '') return null;
  const attempts = [
    text,
    text.replace(/}\s*{/g, '},{'),
    // Cut trailing garbage after the last closing brace.
    text.slice(0, text.lastIndexOf('}') + 1),
    text.slice(0, text.lastIndexOf('}') + 1).replace(/}\s*{/g, '},{'),
  ];
  for (const t of attempts) {
    if (t === '') continue;
    try {
      return JSON.parse(t) as unknown;
    } catch {
      // try the next repair
    }
  }
  throw new HashwatchError('BadResponse', `${where}: the cgminer reply is not JSON`, {
    endpoint: where,
    field: '(body)',
    sample: text.slice(0, 120),
  });
}

/**
 * Sends one command (`stats`, `version`, `summary`, or `cmd|param`) and returns the parsed reply;
 * null when the miner closed the connection without a word (1.3.0 does that for `version`).
 */
export function cgminerCommand(host: string, command: string, opts: CgminerOptions = {}): Promise<unknown> {
  const parsed = parseAddress(host);
  const port = opts.port ?? 4028;
  const timeoutMs = opts.timeoutMs ?? 3000;
  const maxBytes = opts.maxBytes ?? 1024 * 1024;
  const [cmd, param] = command.split('|', 2) as [string, string | undefined];
  const payload = JSON.stringify(param === undefined ? { command: cmd } : { command: cmd, parameter: param });
  const where = `cgminer ${cmd} on ${parsed.host}:${port}`;
  const address = `${parsed.urlHost}:${port}`;

  return new Promise<unknown>((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new HashwatchError('Cancelled', `${where} was cancelled`, { address }));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    let connected = false;
    const socket = connect({ host: parsed.host, port });
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      fn();
    };
    const done = () =>
      finish(() => {
        try {
          resolve(parseCgminerReply(Buffer.concat(chunks).toString('utf8'), where));
        } catch (e) {
          reject(
            e instanceof HashwatchError
              ? new HashwatchError(e.code, e.message, { ...(e.details as object), address })
              : e,
          );
        }
      });
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            connected
              ? new HashwatchError('Timeout', `${where}: no complete answer within ${timeoutMs} ms`, {
                  address,
                  timeoutMs,
                })
              : new HashwatchError(
                  'Unreachable',
                  `${parsed.host}:${port} did not accept a connection within ${timeoutMs} ms`,
                  {
                    address,
                    cause: 'connect-timeout',
                  },
                ),
          ),
        ),
      timeoutMs,
    );
    const onAbort = () =>
      finish(() => reject(new HashwatchError('Cancelled', `${where} was cancelled`, { address })));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('connect', () => {
      connected = true;
      socket.write(payload);
    });
    socket.on('data', (b: Buffer) => {
      chunks.push(b);
      size += b.length;
      // The NUL ends the reply; some firmwares keep the socket open after it.
      if (b.includes(0) || size > maxBytes) done();
    });
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (connected && chunks.length > 0) return done();
      finish(() =>
        reject(
          new HashwatchError(
            'Unreachable',
            connected
              ? `${where}: connection dropped (${e.code ?? e.message})`
              : `${parsed.host}:${port} is unreachable (${e.code ?? e.message})`,
            { address, cause: connected ? 'connection-reset' : (e.code ?? 'network') },
          ),
        ),
      );
    });
  });
}
