/**
 * Optional mDNS advertisement of simulated miners (off by default).
 *
 * Real vnish miners do not advertise; this exists for discovery tests inside a private network
 * namespace. bonjour-service gives no A records for loopback addresses, so the miner's address travels
 * in the TXT record (`ip`, `port`, `cgminer`, `mac`).
 */
import { Bonjour } from 'bonjour-service';

/** What is advertised for one miner. */
export interface MdnsMiner {
  host: string;
  httpPort: number;
  cgminerPort: number | null;
  mac: string;
  model: string;
  hostname: string;
}

/** A running advertisement. */
export interface MdnsHandle {
  stop(): Promise<void>;
}

/** Publish one `_http._tcp` service per miner. */
export function advertise(miners: MdnsMiner[]): MdnsHandle {
  const bonjour = new Bonjour({}, () => undefined);
  for (const m of miners) {
    bonjour.publish({
      name: `${m.hostname} ${m.mac.replace(/:/g, '').slice(-6)}`,
      type: 'http',
      port: m.httpPort,
      host: `${m.hostname.toLowerCase()}-${m.mac.replace(/:/g, '').slice(-6)}.local`,
      disableIPv6: true,
      probe: false,
      txt: {
        ip: m.host,
        port: String(m.httpPort),
        ...(m.cgminerPort !== null ? { cgminer: String(m.cgminerPort) } : {}),
        mac: m.mac,
        model: m.model,
        fw: 'vnish',
      },
    });
  }
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        bonjour.unpublishAll(() => bonjour.destroy(() => resolve()));
        setTimeout(resolve, 1000).unref();
      }),
  };
}
