/**
 * The fleet registry: which miners Hashwatch watches, who they are and where they are.
 *
 * Identity is the MAC (see shared `minerId`): when discovery finds a known MAC at a new address
 * (DHCP gave it another lease, it was moved to another rack) the miner MOVES and keeps its history,
 * instead of appearing twice. A miner first seen without a MAC is keyed by its address and upgraded
 * to its MAC identity as soon as one is learnt. Persistence is injected (the store in the app).
 */
import { minerId, normaliseMac } from '../../../shared/miner.js';

export interface KnownMiner {
  id: string;
  address: string;
  mac: string | null;
  labels: Record<string, string>;
}

export interface FoundMiner {
  address: string;
  mac: string | null;
}

export interface RegistryChanges {
  added: KnownMiner[];
  /** A known miner seen at a new address, or given a MAC identity (then `from.id !== to.id`). */
  moved: Array<{ from: KnownMiner; to: KnownMiner }>;
  removed: KnownMiner[];
}

export interface RegistryPersistence {
  load(): KnownMiner[];
  save(miner: KnownMiner): void;
  remove?(id: string): void;
}

export interface Registry {
  list(): KnownMiner[];
  get(id: string): KnownMiner | undefined;
  byMac(mac: string): KnownMiner | undefined;
  byAddress(address: string): KnownMiner | undefined;
  size(): number;
  /** Take in what discovery found; returns what changed (nothing for miners already known as found). */
  adopt(found: Iterable<FoundMiner>): RegistryChanges;
  setLabels(id: string, labels: Record<string, string>): KnownMiner | undefined;
  remove(ids: Iterable<string>): RegistryChanges;
}

const empty = (): RegistryChanges => ({ added: [], moved: [], removed: [] });

export function createRegistry(persist?: RegistryPersistence): Registry {
  const miners = new Map<string, KnownMiner>();
  const addressIndex = new Map<string, string>();

  const index = (m: KnownMiner) => addressIndex.set(m.address, m.id);
  const unindex = (m: KnownMiner) => {
    if (addressIndex.get(m.address) === m.id) addressIndex.delete(m.address);
  };
  const put = (m: KnownMiner) => {
    miners.set(m.id, m);
    index(m);
    persist?.save(m);
  };
  const drop = (m: KnownMiner) => {
    miners.delete(m.id);
    unindex(m);
    persist?.remove?.(m.id);
  };

  for (const m of persist?.load() ?? []) {
    const mac = normaliseMac(m.mac);
    const clean = { id: minerId(mac, m.address), address: m.address, mac, labels: { ...m.labels } };
    miners.set(clean.id, clean);
    index(clean);
  }

  return {
    list: () => [...miners.values()],
    get: (id) => miners.get(id),
    byMac: (mac) => {
      const m = normaliseMac(mac);
      return m ? miners.get(m) : undefined;
    },
    byAddress(address) {
      const id = addressIndex.get(address);
      return id ? miners.get(id) : undefined;
    },
    size: () => miners.size,
    adopt(found) {
      const out = empty();
      for (const f of found) {
        const mac = normaliseMac(f.mac);
        const address = f.address;
        if (!mac) {
          // Without a MAC the address is all we know; an address already watched is the same miner.
          if (addressIndex.has(address)) continue;
          const m: KnownMiner = { id: minerId(null, address), address, mac: null, labels: {} };
          put(m);
          out.added.push(m);
          continue;
        }
        const known = miners.get(mac);
        const byAddr = miners.get(minerId(null, address));
        if (known) {
          if (byAddr) {
            // The address-only entry was this very miner before its MAC was known.
            drop(byAddr);
            out.removed.push(byAddr);
          }
          if (known.address === address) continue;
          const to: KnownMiner = { ...known, address };
          unindex(known);
          put(to);
          out.moved.push({ from: known, to });
          continue;
        }
        if (byAddr) {
          // Learnt the MAC of a miner watched by address: same device, new identity, labels kept.
          const to: KnownMiner = { id: mac, address, mac, labels: { ...byAddr.labels } };
          drop(byAddr);
          put(to);
          out.moved.push({ from: byAddr, to });
          continue;
        }
        const m: KnownMiner = { id: mac, address, mac, labels: {} };
        put(m);
        out.added.push(m);
      }
      return out;
    },
    setLabels(id, labels) {
      const m = miners.get(id);
      if (!m) return undefined;
      const next = { ...m, labels: { ...labels } };
      put(next);
      return next;
    },
    remove(ids) {
      const out = empty();
      for (const id of ids) {
        const m = miners.get(id);
        if (!m) continue;
        drop(m);
        out.removed.push(m);
      }
      return out;
    },
  };
}
