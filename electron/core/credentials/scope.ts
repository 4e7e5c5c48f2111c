/**
 * Credential scopes: which miners one stored password applies to, and how a miner finds its own.
 *
 * Three kinds, most specific first: one miner by MAC (`miner:aa:bb:cc:dd:ee:ff`), an IPv4 address range
 * (`range:10.0.0.0/22`), and the farm default (`farm`). A scope key is also the keychain account name,
 * so the parser is strict: a key that does not parse is never read, listed or written.
 */
import { HashwatchError } from '../../../shared/errors.js';

export type Scope =
  | { kind: 'miner'; key: string; mac: string }
  | { kind: 'range'; key: string; network: number; prefix: number; cidr: string }
  | { kind: 'farm'; key: 'farm' };

export type ScopeKind = Scope['kind'];

const MAC_RE = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i;
const IPV4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The 32-bit value of a dotted IPv4 address, or null when it is not one (no leading zeros, no shorthand). */
export function ipv4ToInt(text: string): number | null {
  if (!IPV4_RE.test(text)) return null;
  const parts = text.split('.').map(Number);
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

/** Dotted form of a 32-bit IPv4 value. */
export function intToIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** The network mask of a prefix length as an unsigned 32-bit value. */
export function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parses `a.b.c.d/n` strictly: host bits must be zero so a typo cannot widen or shift the range. */
export function parseCidr(text: string): { network: number; prefix: number; cidr: string } | string {
  const slash = text.indexOf('/');
  if (slash < 0) return 'an address range needs a prefix length, like 10.0.0.0/22';
  const addr = ipv4ToInt(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (addr === null) return 'the range must start with a dotted IPv4 address, like 10.0.0.0/22';
  if (!/^(3[0-2]|[12]?\d)$/.test(prefixText)) return 'the prefix length must be 0..32';
  const prefix = Number(prefixText);
  const network = (addr & prefixMask(prefix)) >>> 0;
  if (network !== addr) {
    return `host bits are set; the range ${intToIpv4(addr)}/${prefix} starts at ${intToIpv4(network)}/${prefix}`;
  }
  return { network, prefix, cidr: `${intToIpv4(network)}/${prefix}` };
}

/**
 * Parses a scope key; returns the scope or a message saying what is wrong (never echoing the input,
 * which a confused caller might have filled with a password).
 */
export function parseScope(text: string): Scope | string {
  if (typeof text !== 'string' || text.length > 64)
    return 'a scope is `farm`, `miner:<MAC>` or `range:<IPv4 CIDR>`';
  if (text === 'farm') return { kind: 'farm', key: 'farm' };
  if (text.startsWith('miner:')) {
    const mac = text.slice('miner:'.length);
    if (!MAC_RE.test(mac)) return 'a miner scope is `miner:` and a MAC like aa:bb:cc:dd:ee:ff';
    const canonical = mac.toLowerCase().replace(/-/g, ':');
    if (canonical === '00:00:00:00:00:00') return 'the all-zero MAC does not name a miner';
    return { kind: 'miner', key: `miner:${canonical}`, mac: canonical };
  }
  if (text.startsWith('range:')) {
    const parsed = parseCidr(text.slice('range:'.length));
    if (typeof parsed === 'string') return parsed;
    return { kind: 'range', key: `range:${parsed.cidr}`, ...parsed };
  }
  return 'a scope is `farm`, `miner:<MAC>` or `range:<IPv4 CIDR>`';
}

/** Like parseScope, but throws a ValidationError. */
export function scopeOrThrow(text: string): Scope {
  const scope = parseScope(text);
  if (typeof scope === 'string') throw new HashwatchError('ValidationError', `Invalid scope: ${scope}`);
  return scope;
}

/** The scope key of one miner (MAC in any common notation). */
export function minerScopeKey(mac: string): string {
  const s = parseScope(`miner:${mac}`);
  if (typeof s === 'string') throw new HashwatchError('ValidationError', `Invalid MAC: ${s}`);
  return s.key;
}

/** Whether an IPv4 value lies inside a range scope. */
export function rangeContains(scope: { network: number; prefix: number }, ip: number): boolean {
  return (ip & prefixMask(scope.prefix)) >>> 0 === scope.network;
}

/**
 * The host part of an address as the client dials it (`10.0.0.5`, `10.0.0.5:8080`, `[::1]:80`, a name).
 */
export function hostOf(address: string): string {
  const a = address.trim();
  if (a.startsWith('[')) {
    const end = a.indexOf(']');
    return end > 0 ? a.slice(1, end) : a;
  }
  const colons = a.split(':').length - 1;
  if (colons === 1) return a.slice(0, a.indexOf(':'));
  return a;
}

/** Most specific first: miners, then ranges by longest prefix, then the farm default. */
export function compareScopes(a: Scope, b: Scope): number {
  const rank = (s: Scope) => (s.kind === 'miner' ? 0 : s.kind === 'range' ? 1 : 2);
  const r = rank(a) - rank(b);
  if (r !== 0) return r;
  if (a.kind === 'range' && b.kind === 'range' && a.prefix !== b.prefix) return b.prefix - a.prefix;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * The scopes that apply to a miner, in the order they are tried: its MAC, every range holding its IPv4
 * host (longest prefix first), then the farm default.
 */
export function applicableScopes(
  scopes: readonly Scope[],
  target: { address: string; mac: string | null },
): Scope[] {
  const mac = target.mac ? parseScope(`miner:${target.mac}`) : null;
  const ip = ipv4ToInt(hostOf(target.address));
  const out = scopes.filter((s) => {
    if (s.kind === 'miner') return mac !== null && typeof mac !== 'string' && s.key === mac.key;
    if (s.kind === 'range') return ip !== null && rangeContains(s, ip);
    return true;
  });
  return out.sort(compareScopes);
}
