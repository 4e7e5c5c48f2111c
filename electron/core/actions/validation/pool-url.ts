/**
 * The pool URL form vnish accepts: `stratum+tcp://host:port`.
 *
 * The vendor's OpenAPI documents give pool URLs only as strings; the web UI and every captured
 * configuration use `stratum+tcp://`. Other schemes (stratum+ssl, stratum2+tcp) are not documented for
 * vnish, so they are refused rather than sent to a miner that might drop its pool over them.
 */
export const POOL_SCHEMES = ['stratum+tcp'] as const;

const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^\[[0-9A-Fa-f:.]{2,45}\]$/;

export type PoolUrl = { scheme: string; host: string; port: number };

/** Parses a pool URL; returns a message naming what is wrong when it is not of the accepted form. */
export function parsePoolUrl(url: string): PoolUrl | string {
  const form = `${POOL_SCHEMES.map((s) => `${s}://host:port`).join(' or ')}`;
  if (url.length > 512) return `a pool URL is at most 512 characters (${form})`;
  const m = /^([a-z0-9+]+):\/\/([^/?#\s]+?)(?::(\d{1,5}))?\/?$/i.exec(url);
  if (!m) return `a pool URL has the form ${form}`;
  const scheme = m[1]!.toLowerCase();
  if (!(POOL_SCHEMES as readonly string[]).includes(scheme))
    return `the scheme must be ${POOL_SCHEMES.join(' or ')}`;
  const host = m[2]!;
  if (host.includes('@'))
    return 'a pool URL carries no user or password; use the pool user and password fields';
  const isIp = IPV4.test(host);
  if (!isIp && !IPV6.test(host) && (/^[\d.]+$/.test(host) || !HOST_NAME.test(host))) {
    return `the host must be a host name or an IP address (${form})`;
  }
  if (m[3] === undefined) return `the port is missing (${form})`;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return 'the port must be 1..65535';
  return { scheme, host, port };
}
