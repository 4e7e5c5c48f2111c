/**
 * `discovery.*` methods over the background scan manager, and the default hand-over of found vnish
 * miners to the inventory.
 */
import type { FoundMiner } from '../../../shared/api/discovery.js';
import { minerId, type MinerRecord } from '../../../shared/miner.js';
import type { DiscoveryManager } from '../discovery/manager.js';
import type { Inventory } from '../fleet/inventory.js';
import type { Handlers } from './dispatch.js';

export interface DiscoveryServiceDeps {
  discovery: DiscoveryManager;
}

export function discoveryService(
  deps: DiscoveryServiceDeps,
): Pick<Handlers, 'discovery.scan' | 'discovery.cancel' | 'discovery.results' | 'discovery.list'> {
  return {
    'discovery.scan': ({ targets, options }) => deps.discovery.start(targets, options),
    'discovery.cancel': ({ scanId }) => ({ cancelled: deps.discovery.cancel(scanId) }),
    'discovery.results': ({ scanId }) => deps.discovery.results(scanId),
    'discovery.list': () => ({
      scans: deps.discovery.list().map(({ miners: _miners, ...rest }) => rest),
    }),
  };
}

/**
 * Puts found vnish miners into the inventory (id = MAC, else address). A miner that moved keeps its
 * labels, and an address-keyed record of its old address is replaced by the MAC-keyed one.
 * Other firmwares are not managed, so they stay out of the inventory.
 */
export function addFoundToInventory(inventory: Inventory, found: readonly FoundMiner[]): void {
  const records: MinerRecord[] = [];
  const removed: string[] = [];
  for (const m of found) {
    if (!m.managed) continue;
    const id = minerId(m.mac, m.address);
    const previous =
      inventory.get(id) ?? (m.previousAddress ? inventory.get(minerId(null, m.previousAddress)) : undefined);
    if (previous && previous.id !== id) removed.push(previous.id);
    const addrRecord = m.mac ? inventory.get(minerId(null, m.address)) : undefined;
    if (addrRecord) removed.push(addrRecord.id);
    records.push({
      id,
      address: m.address,
      mac: m.mac,
      labels: previous?.labels ?? addrRecord?.labels ?? {},
      freshness: m.snapshot ? 'live' : (previous?.freshness ?? 'never'),
      lastSeenAt: m.snapshot?.polledAt ?? previous?.lastSeenAt ?? null,
      lastError: m.error ? { code: m.error.code, message: m.error.message } : null,
      snapshot: m.snapshot ?? previous?.snapshot ?? null,
    });
  }
  if (removed.length) inventory.remove(removed);
  if (records.length) inventory.put(records);
}
