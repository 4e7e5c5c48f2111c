/**
 * Reads what a technician types as a credential scope: `farm`, a CIDR range or a miner MAC.
 *
 * The keychain keys are `farm`, `range:<CIDR>` and `miner:<MAC>`; the form accepts the bare forms
 * too so nobody has to learn the prefixes. The core checks the key again (octets, host bits).
 */

/** The scope key to send, or why the text is not one. */
export type ParsedScope =
  { ok: true; scope: string; kind: 'farm' | 'range' | 'miner' } | { ok: false; message: string };

const CIDR_RE = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;
const MAC_RE = /^[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2}){4}$/;
const MAC_BARE_RE = /^[0-9a-fA-F]{12}$/;

/** Parses `farm`, `10.0.0.0/22`, `aa:bb:cc:dd:ee:ff` (or with the `range:` / `miner:` prefix). */
export function parseScope(text: string): ParsedScope {
  const t = text.trim();
  if (t === '') return { ok: false, message: 'Give a scope: farm, a range like 10.0.0.0/22, or a miner MAC' };
  if (t.toLowerCase() === 'farm') return { ok: true, scope: 'farm', kind: 'farm' };
  const body = t.replace(/^(range|miner):/i, '');
  if (CIDR_RE.test(body)) {
    const [ip, bitsText] = body.split('/') as [string, string];
    const octets = ip.split('.').map(Number);
    const bits = Number(bitsText);
    if (octets.some((o) => o > 255) || bits > 32)
      return { ok: false, message: `“${body}” is not a valid IPv4 range` };
    return { ok: true, scope: `range:${body}`, kind: 'range' };
  }
  if (MAC_RE.test(body))
    return { ok: true, scope: `miner:${body.toLowerCase().replace(/-/g, ':')}`, kind: 'miner' };
  if (MAC_BARE_RE.test(body))
    return { ok: true, scope: `miner:${body.toLowerCase().match(/../g)!.join(':')}`, kind: 'miner' };
  return {
    ok: false,
    message: 'A scope is farm, a CIDR range like 10.0.0.0/22, or a miner MAC like aa:bb:cc:dd:ee:ff',
  };
}

/** Scopes in the order a password is chosen: a miner's own, then ranges (narrowest first), then farm. */
export function sortScopes<T extends { scope: string; kind: string }>(scopes: readonly T[]): T[] {
  const rank = (k: string) => (k === 'miner' ? 0 : k === 'range' ? 1 : 2);
  const bits = (s: string) => Number(/\/(\d+)$/.exec(s)?.[1] ?? 0);
  return [...scopes].sort(
    (a, b) => rank(a.kind) - rank(b.kind) || bits(b.scope) - bits(a.scope) || a.scope.localeCompare(b.scope),
  );
}
