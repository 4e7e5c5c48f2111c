/**
 * Scan target parsing: CIDR blocks, octet ranges, single hosts, lists and target files.
 *
 * A technician types what the farm's network plan says (`10.0.0.0/22`, `10.0.1-2.1-50`,
 * `10.0.3.7:8080`, a file of addresses). Everything is counted before anything is expanded, so an
 * absurd request (a /8) is refused at once with a ValidationError instead of allocating millions of
 * addresses or hanging. IPv4 is expanded into a sorted, de-duplicated Uint32Array (1 MB for the
 * largest allowed request); host names, IPv6 literals and explicit ports stay a short list.
 */
import fs from 'node:fs';
import net from 'node:net';
import { HashwatchError } from '../../../shared/errors.js';

/** The largest request accepted at once: a /14. */
export const MAX_SCAN_ADDRESSES = 262_144;

/** One address to probe. `port` null means the default miner ports (80, then 4028). */
export interface ScanTarget {
  host: string;
  port: number | null;
}

/** A parsed, de-duplicated set of targets; iterate it to get the addresses in order. */
export interface TargetSet extends Iterable<ScanTarget> {
  /** Number of distinct targets. */
  readonly total: number;
  /** IPv4 addresses probed on the default ports, sorted ascending. */
  readonly ipv4: Uint32Array;
  /** Everything else: host names, IPv6 literals, and any address with an explicit port. */
  readonly hosts: readonly ScanTarget[];
}

export interface ParseTargetsOptions {
  /** Refuse more addresses than this (default MAX_SCAN_ADDRESSES). */
  maxAddresses?: number;
  /**
   * Whether `@file` and bare paths are read (the CLI: yes; the contract: no, since a remote operator
   * must not make the core read files on the workstation).
   */
  allowFiles?: boolean;
  /** Reads a target file (tests inject one); default fs.readFileSync as UTF-8. */
  readFile?: (path: string) => string;
  /** Whether a path names a readable file (for bare paths); default fs.statSync. */
  isFile?: (path: string) => boolean;
}

/** Formats a 32-bit number as a dotted quad. */
export function ipv4ToString(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Parses a strict dotted quad into a 32-bit unsigned number, or null. */
export function parseIpv4(s: string): number | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  return n >>> 0;
}

/** Formats a target as the `host[:port]` address the vnish client dials. */
export function targetAddress(t: ScanTarget): string {
  const host = net.isIPv6(t.host) ? `[${t.host}]` : t.host;
  return t.port === null ? host : `${host}:${t.port}`;
}

/** A parsed token; IPv4 blocks with an explicit port become host targets when expanded. */
type Block =
  | { kind: 'cidr'; first: number; count: number; port: number | null }
  | { kind: 'octets'; ranges: Array<[number, number]>; count: number; port: number | null }
  | { kind: 'host'; target: ScanTarget };

const bad = (token: string, why: string, where?: string): HashwatchError =>
  new HashwatchError(
    'ValidationError',
    `Bad scan target '${token.slice(0, 80)}'${where ? ` (${where})` : ''}: ${why}`,
    { target: token.slice(0, 200), where },
  );

const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function parsePort(s: string, token: string, where?: string): number {
  if (!/^\d{1,5}$/.test(s)) throw bad(token, `port '${s}' is not a number`, where);
  const port = Number(s);
  if (port < 1 || port > 65535) throw bad(token, `port ${port} is outside 1-65535`, where);
  return port;
}

/** Splits `spec[:port]`, handling `[v6]:port` and bare IPv6 literals. */
function splitPort(token: string, where?: string): { spec: string; port: number | null } {
  if (token.startsWith('[')) {
    const end = token.indexOf(']');
    if (end < 0) throw bad(token, 'missing ]', where);
    const spec = token.slice(1, end);
    const rest = token.slice(end + 1);
    if (rest === '') return { spec, port: null };
    if (!rest.startsWith(':')) throw bad(token, 'expected :port after ]', where);
    return { spec, port: parsePort(rest.slice(1), token, where) };
  }
  const colons = token.split(':').length - 1;
  if (colons === 1) {
    const i = token.indexOf(':');
    return { spec: token.slice(0, i), port: parsePort(token.slice(i + 1), token, where) };
  }
  return { spec: token, port: null };
}

/** Parses one target token into a block (throws ValidationError naming the token). */
function parseToken(token: string, where?: string): Block {
  const { spec, port } = splitPort(token, where);
  if (net.isIPv6(spec)) {
    if (spec.includes('/'))
      throw bad(token, 'IPv6 ranges are not supported; list IPv6 miners one by one', where);
    return { kind: 'host', target: { host: spec.toLowerCase(), port } };
  }
  if (spec.includes('/')) {
    if (port !== null) throw bad(token, 'a CIDR block takes no port', where);
    const [base = '', bitsText = ''] = spec.split('/', 2);
    if (base.includes(':'))
      throw bad(token, 'IPv6 ranges are not supported; list IPv6 miners one by one', where);
    const addr = parseIpv4(base);
    if (addr === null) throw bad(token, `'${base}' is not an IPv4 address`, where);
    if (!/^\d{1,2}$/.test(bitsText) || Number(bitsText) > 32)
      throw bad(token, `prefix length '/${bitsText}' must be 0-32`, where);
    const bits = Number(bitsText);
    const size = 2 ** (32 - bits);
    const network = bits === 0 ? 0 : (addr & (~0 << (32 - bits))) >>> 0;
    // Network and broadcast addresses are not hosts on blocks wider than /31 (RFC 3021 for /31).
    return bits < 31
      ? { kind: 'cidr', first: network + 1, count: size - 2, port }
      : { kind: 'cidr', first: network, count: size, port };
  }
  if (/^[\d.-]+$/.test(spec) && spec.includes('-')) {
    // A full range `10.0.0.1-10.0.0.50`, or per-octet ranges `10.0.1-2.1-50`.
    const halves = spec.split('-');
    if (halves.length === 2 && halves[0]!.split('.').length === 4 && halves[1]!.split('.').length === 4) {
      const a = parseIpv4(halves[0]!);
      const b = parseIpv4(halves[1]!);
      if (a === null || b === null) throw bad(token, 'not an IPv4 range', where);
      if (b < a) throw bad(token, 'the range ends before it starts', where);
      return { kind: 'cidr', first: a, count: b - a + 1, port };
    }
    const octets = spec.split('.');
    if (octets.length !== 4) throw bad(token, 'an octet range needs four octets, e.g. 10.0.1-2.1-50', where);
    const ranges: Array<[number, number]> = [];
    let count = 1;
    for (const o of octets) {
      const m = /^(\d{1,3})(?:-(\d{1,3}))?$/.exec(o);
      if (!m) throw bad(token, `octet '${o}' is not a number or a range like 1-50`, where);
      const lo = Number(m[1]);
      const hi = m[2] === undefined ? lo : Number(m[2]);
      if (lo > 255 || hi > 255) throw bad(token, `octet '${o}' is outside 0-255`, where);
      if (hi < lo) throw bad(token, `octet range '${o}' ends before it starts`, where);
      ranges.push([lo, hi]);
      count *= hi - lo + 1;
    }
    return { kind: 'octets', ranges, count, port };
  }
  const v4 = parseIpv4(spec);
  if (v4 !== null) {
    return { kind: 'cidr', first: v4, count: 1, port };
  }
  if (/^[\d.]+$/.test(spec)) throw bad(token, 'not an IPv4 address', where);
  if (!HOSTNAME.test(spec)) throw bad(token, 'not an address, range, CIDR block or host name', where);
  return { kind: 'host', target: { host: spec.toLowerCase(), port } };
}

/** Splits a free-form target list on commas and whitespace. */
function tokens(text: string): string[] {
  return text.split(/[\s,]+/).filter((t) => t.length > 0);
}

function blockSize(b: Block): number {
  return b.kind === 'host' ? 1 : b.count;
}

function* expandBlock(b: Block & { kind: 'cidr' | 'octets' }): Generator<number> {
  if (b.kind === 'cidr') {
    for (let n = 0; n < b.count; n++) yield b.first + n;
    return;
  }
  const [a, c, d, e] = b.ranges as [[number, number], [number, number], [number, number], [number, number]];
  for (let o1 = a[0]; o1 <= a[1]; o1++)
    for (let o2 = c[0]; o2 <= c[1]; o2++)
      for (let o3 = d[0]; o3 <= d[1]; o3++)
        for (let o4 = e[0]; o4 <= e[1]; o4++) yield ((o1 << 24) | (o2 << 16) | (o3 << 8) | o4) >>> 0;
}

/**
 * Parses scan targets: CIDR, ranges, `host[:port]`, comma/space separated lists and target files
 * (`@file`, or a path that is not itself a target; one or more targets per line, `#` comments).
 * Throws a ValidationError naming the offending target, or the limit when the request is too large.
 */
export function parseTargets(inputs: readonly string[], opts: ParseTargetsOptions = {}): TargetSet {
  const max = opts.maxAddresses ?? MAX_SCAN_ADDRESSES;
  const readFile = opts.readFile ?? ((p: string) => fs.readFileSync(p, 'utf8'));
  const isFile =
    opts.isFile ??
    ((p: string) => {
      try {
        return fs.statSync(p).isFile();
      } catch {
        return false;
      }
    });

  const blocks: Block[] = [];
  let upperBound = 0;
  const add = (b: Block) => {
    upperBound += blockSize(b);
    if (upperBound > max) {
      throw new HashwatchError(
        'ValidationError',
        `Too many addresses: the targets cover more than ${max.toLocaleString('en-US')} addresses` +
          `${max === MAX_SCAN_ADDRESSES ? ' (a /14)' : ''}. Give fewer at once, e.g. one /16 or /22 at a time.`,
        { limit: max },
      );
    }
    blocks.push(b);
  };

  const fromFile = (path: string) => {
    if (!opts.allowFiles) throw bad(`@${path}`, 'target files are not accepted here');
    let text: string;
    try {
      text = readFile(path);
    } catch (e) {
      throw new HashwatchError(
        'ValidationError',
        `Cannot read target file ${path}: ${(e as Error).message}`,
        {
          file: path,
        },
      );
    }
    text.split(/\r?\n/).forEach((line, i) => {
      for (const t of tokens(line.replace(/#.*$/, ''))) {
        if (t.startsWith('@')) throw bad(t, 'target files cannot include other files', `${path}:${i + 1}`);
        add(parseToken(t, `${path}:${i + 1}`));
      }
    });
  };

  for (const input of inputs) {
    for (const t of tokens(input)) {
      if (t.startsWith('@')) {
        fromFile(t.slice(1));
        continue;
      }
      let block: Block;
      try {
        block = parseToken(t);
      } catch (e) {
        if (opts.allowFiles && (t.includes('/') || t.includes('.')) && isFile(t)) {
          fromFile(t);
          continue;
        }
        throw e;
      }
      add(block);
    }
  }

  // Expand IPv4 into one array, then sort and de-duplicate (overlapping blocks are common in lists).
  let v4Count = 0;
  for (const b of blocks) if (b.kind !== 'host' && b.port === null) v4Count += b.count;
  const v4 = new Uint32Array(v4Count);
  let i = 0;
  const hosts: ScanTarget[] = [];
  const seenHosts = new Set<string>();
  const pushHost = (t: ScanTarget) => {
    const key = targetAddress(t);
    if (!seenHosts.has(key)) {
      seenHosts.add(key);
      hosts.push(t);
    }
  };
  for (const b of blocks) {
    if (b.kind === 'host') pushHost(b.target);
    else if (b.port !== null)
      for (const n of expandBlock(b)) pushHost({ host: ipv4ToString(n), port: b.port });
    else if (b.kind === 'cidr') for (let n = 0; n < b.count; n++) v4[i++] = b.first + n;
    else for (const n of expandBlock(b)) v4[i++] = n;
  }
  v4.sort();
  let unique = 0;
  for (let k = 0; k < v4.length; k++) if (k === 0 || v4[k] !== v4[k - 1]) v4[unique++] = v4[k]!;
  const ipv4 = v4.subarray(0, unique);

  return {
    total: ipv4.length + hosts.length,
    ipv4,
    hosts,
    *[Symbol.iterator]() {
      for (let k = 0; k < ipv4.length; k++) yield { host: ipv4ToString(ipv4[k]!), port: null };
      yield* hosts;
    },
  };
}
