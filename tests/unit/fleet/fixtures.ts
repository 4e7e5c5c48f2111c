/**
 * Builders of realistic miner snapshots and records for fleet tests.
 */
import type { MinerRecord, MinerSnapshot } from '../../../shared/miner.js';

export function makeSnapshot(over: Partial<MinerSnapshot> = {}): MinerSnapshot {
  return {
    address: '127.0.0.2',
    mac: '02:00:00:00:00:01',
    hostname: 'Antminer',
    model: 'Antminer S19j Pro',
    modelCode: 's19jpro',
    firmware: { name: 'Vnish', version: '1.2.7' },
    state: 'mining',
    stateDescription: null,
    hashrateThs: 100,
    hashrateAvgThs: 100,
    nominalThs: 104,
    powerW: 3050,
    efficiencyJth: 30.5,
    chipTempMaxC: 75,
    pcbTempMaxC: 62,
    fans: [
      { rpm: 5400, ok: true },
      { rpm: 5380, ok: true },
      { rpm: 5410, ok: true },
      { rpm: 5390, ok: true },
    ],
    chains: [0, 1, 2].map((id) => ({
      id,
      state: 'mining' as const,
      hashrateThs: 33.3,
      nominalThs: 34.7,
      powerW: 1016,
      frequencyMhz: 525,
      voltageMv: 13600,
      chipTempMaxC: 75,
      pcbTempMaxC: 62,
      chips: { red: 0, orange: 0, grey: 126 },
      inletWaterC: null,
      outletWaterC: null,
    })),
    pools: [
      {
        url: 'stratum+tcp://pool.example:3333',
        user: 'farm.worker',
        status: 'active',
        accepted: 1000,
        rejected: 5,
        stale: 0,
        type: 'user',
      },
    ],
    preset: { running: '3200', configured: '3200' },
    throttlePct: null,
    uptimeS: 86_400,
    hwErrors: 0,
    polledAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
    ...over,
  };
}

export function makeRecord(over: Partial<MinerRecord> = {}, snap: Partial<MinerSnapshot> = {}): MinerRecord {
  const snapshot = makeSnapshot(snap);
  return {
    id: snapshot.mac ?? 'addr:127.0.0.2',
    address: snapshot.address,
    mac: snapshot.mac,
    labels: {},
    freshness: 'live',
    lastSeenAt: snapshot.polledAt,
    lastError: null,
    snapshot,
    ...over,
  };
}
