/**
 * Miner addresses as users type them: `host`, `host:port`, `[v6]`, `[v6]:port`.
 *
 * One parser for the HTTP client and the cgminer socket, so a miner behind a port forward and an IPv6
 * literal are dialled the same way everywhere; bad input is a `ValidationError`, not a DNS lookup.
 */
import { HashwatchError } from '../../../shared/errors.js';

export interface ParsedAddress {
  /** Host name or IP literal, without brackets. */
  host: string;
  /** Port from the address, or null when none was given. */
  port: number | null;
  /** The host as it goes into a URL (IPv6 in brackets). */
  urlHost: string;
}

function badAddress(address: string, why: string): HashwatchError {
  return new HashwatchError('ValidationError', `Invalid miner address "${address}": ${why}`, { address });
}

function parsePort(address: string, text: string): number {
  if (!/^\d{1,5}$/.test(text)) throw badAddress(address, 'port must be a number');
  const port = Number(text);
  if (port < 1 || port > 65535) throw badAddress(address, 'port must be 1-65535');
  return port;
}

/** Splits `host[:port]` (IPv6 in brackets, or bare without a port). */
export function parseAddress(address: string): ParsedAddress {
  const a = address.trim();
  if (a === '') throw badAddress(address, 'empty');
  if (/[\s/?#@]/.test(a)) throw badAddress(address, 'unexpected character');
  if (a.startsWith('[')) {
    const end = a.indexOf(']');
    if (end < 0) throw badAddress(address, 'missing ]');
    const host = a.slice(1, end);
    if (!host.includes(':')) throw badAddress(address, 'brackets are for IPv6 literals');
    const rest = a.slice(end + 1);
    if (rest !== '' && !rest.startsWith(':')) throw badAddress(address, 'garbage after ]');
    return { host, port: rest === '' ? null : parsePort(address, rest.slice(1)), urlHost: `[${host}]` };
  }
  const colons = a.split(':').length - 1;
  if (colons === 0) return { host: a, port: null, urlHost: a };
  if (colons === 1) {
    const [host, port] = a.split(':') as [string, string];
    if (host === '') throw badAddress(address, 'empty host');
    return { host, port: parsePort(address, port), urlHost: host };
  }
  // A bare IPv6 literal: no port can be expressed without brackets.
  return { host: a, port: null, urlHost: `[${a}]` };
}

/** `http://host:port` origin for an address (port 80 unless given). */
export function originOf(address: string): string {
  const p = parseAddress(address);
  return `http://${p.urlHost}:${p.port ?? 80}`;
}
