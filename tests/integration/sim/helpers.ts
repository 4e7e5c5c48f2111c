/**
 * Small HTTP/TCP helpers for the simulator's tests (loopback only).
 */
import { connect } from 'node:net';
import { request } from 'undici';

/** Response of one HTTP call: status, raw text and parsed JSON (undefined when not JSON). */
export interface Reply {
  status: number;
  text: string;
  json: unknown;
  type: string;
}

/** Call a simulated miner. `token` goes in as `Bearer <token>` unless `bare` is set. */
export async function call(
  address: string,
  method: string,
  path: string,
  opts: { token?: string; bare?: boolean; body?: unknown; raw?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = opts.bare ? opts.token : `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await request(`http://${address}${path}`, {
    method: method as 'GET',
    headers,
    body,
    reset: true,
  });
  const text = await r.body.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: r.statusCode, text, json, type: String(r.headers['content-type'] ?? '') };
}

/** Unlock with a password; returns the token (throws on failure). */
export async function unlock(address: string, pw = 'admin'): Promise<string> {
  const r = await call(address, 'POST', '/api/v1/unlock', { body: { pw } });
  if (r.status !== 200) throw new Error(`unlock failed: ${r.status}`);
  return (r.json as { token: string }).token;
}

/** Send a cgminer API command; resolves with the text before the NUL, or '' if the socket closed silently. */
export function cgminer(
  port: number,
  command: string,
  host = '127.0.0.1',
): Promise<{ text: string; nul: boolean }> {
  return new Promise((resolve, reject) => {
    const s = connect(port, host);
    let buf = '';
    s.setEncoding('utf8');
    s.on('connect', () => s.write(JSON.stringify({ command })));
    s.on('data', (d: string) => (buf += d));
    s.on('error', reject);
    s.on('close', () => {
      const i = buf.indexOf('\0');
      resolve({ text: i >= 0 ? buf.slice(0, i) : buf, nul: i >= 0 && i === buf.length - 1 });
    });
  });
}
