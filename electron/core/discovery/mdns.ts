/**
 * mDNS browsing: candidates that advertise themselves (`_http._tcp` devices, simulated and other
 * miners, other Hashwatch hosts), fingerprinted afterwards like scanned addresses.
 *
 * vnish miners are not known to advertise, so mDNS complements the subnet scan rather than replacing
 * it. The address comes from the A record when there is one, else from a TXT `ip=` entry (responders
 * on loopback publish no A records), else from the packet's source address.
 */
import net from 'node:net';
import { Bonjour, type Service } from 'bonjour-service';
import { normaliseMac } from '../../../shared/miner.js';

/** Service types browsed by default: generic web devices and vnish-style miners. */
export const DEFAULT_MDNS_TYPES: readonly string[] = ['http', 'vnish'];
/** How long a browse listens; queries are repeated every second within it. */
export const DEFAULT_MDNS_DURATION_MS = 3000;

/** One advertised service that may be a miner. */
export interface MdnsCandidate {
  host: string;
  /** The advertised port (the HTTP port for `_http._tcp`). */
  port: number;
  /** A cgminer API port from TXT (`cgminer=` / `cgminer_port=`), when advertised. */
  cgminerPort: number | null;
  name: string;
  type: string;
  /** A MAC from TXT (`mac=`), when advertised. */
  mac: string | null;
}

export interface MdnsBrowseOptions {
  types?: readonly string[];
  durationMs?: number;
  signal?: AbortSignal;
  onCandidate(candidate: MdnsCandidate): void;
}

/** Browses mDNS for a while and reports each distinct candidate once. */
export type MdnsBrowse = (opts: MdnsBrowseOptions) => Promise<void>;

/** The parts of bonjour-service this module uses (a fake in tests). */
export interface BonjourLike {
  find(
    opts: { type: string; protocol?: 'tcp' | 'udp' },
    onUp: (service: Service) => void,
  ): {
    update(): void;
    stop(): void;
  };
  destroy(callback?: () => void): void;
}

const txtValue = (txt: unknown, ...keys: string[]): string | null => {
  if (typeof txt !== 'object' || txt === null) return null;
  const rec = txt as Record<string, unknown>;
  for (const k of keys) {
    const v = rec[k];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    if (Buffer.isBuffer(v)) return v.toString('utf8').trim() || null;
  }
  return null;
};

/** Turns a bonjour service into a candidate; null when it has no usable address or port. */
export function candidateFromService(
  service: Pick<Service, 'addresses' | 'txt' | 'referer' | 'port' | 'name' | 'type'>,
): MdnsCandidate | null {
  const v4 = (service.addresses ?? []).filter((a) => net.isIPv4(a));
  const txtIp = txtValue(service.txt, 'ip', 'ipv4', 'address');
  // A records first, except loopback and link-local ones, which only say where the responder runs.
  const host =
    v4.find((a) => !a.startsWith('169.254.') && !a.startsWith('127.')) ??
    (txtIp && net.isIP(txtIp) ? txtIp : null) ??
    v4[0] ??
    (service.addresses ?? []).find((a) => net.isIPv6(a)) ??
    service.referer?.address ??
    null;
  if (!host || !Number.isInteger(service.port) || service.port < 1 || service.port > 65535) return null;
  const cg = Number(txtValue(service.txt, 'cgminer', 'cgminer_port', 'cgminerport', 'api_port'));
  return {
    host,
    port: service.port,
    cgminerPort: Number.isInteger(cg) && cg > 0 && cg < 65536 ? cg : null,
    name: service.name ?? '',
    type: service.type ?? '',
    mac: normaliseMac(txtValue(service.txt, 'mac', 'macaddr', 'mac_address')),
  };
}

/** A browse over bonjour-service; `makeBonjour` is injectable so tests never touch the network. */
export function createMdnsBrowse(makeBonjour?: () => BonjourLike): MdnsBrowse {
  return async ({
    types = DEFAULT_MDNS_TYPES,
    durationMs = DEFAULT_MDNS_DURATION_MS,
    signal,
    onCandidate,
  }) => {
    if (signal?.aborted) return;
    let bonjour: BonjourLike;
    try {
      bonjour =
        makeBonjour?.() ??
        (new Bonjour({}, () => {
          // Socket errors (no multicast route, port in use) end the browse early with what was seen.
        }) as unknown as BonjourLike);
    } catch {
      return;
    }
    const seen = new Set<string>();
    const browsers = types.map((type) =>
      bonjour.find({ type, protocol: 'tcp' }, (service) => {
        const c = candidateFromService(service);
        if (!c) return;
        const key = `${c.host}|${c.port}`;
        if (seen.has(key)) return;
        seen.add(key);
        onCandidate(c);
      }),
    );
    await new Promise<void>((resolve) => {
      const requery = setInterval(() => browsers.forEach((b) => b.update()), 1000);
      const stop = () => {
        clearInterval(requery);
        clearTimeout(timer);
        signal?.removeEventListener('abort', stop);
        resolve();
      };
      const timer = setTimeout(stop, durationMs);
      signal?.addEventListener('abort', stop, { once: true });
    });
    for (const b of browsers) b.stop();
    await new Promise<void>((resolve) => {
      // destroy() never calls back when the socket never bound; do not hang the scan on it.
      setTimeout(resolve, 500).unref();
      try {
        bonjour.destroy(() => resolve());
      } catch {
        resolve();
      }
    });
  };
}
