/**
 * Miner records for the renderer's unit tests: a plausible live miner, adjustable per test.
 */
import type { MinerRecord, MinerSnapshot } from '../../../shared/miner.js';

export const T0 = Date.parse('2026-03-01T12:00:00.000Z');
export const iso = (ms: number) => new Date(ms).toISOString();

export function snapshot(over: Partial<MinerSnapshot> = {}): MinerSnapshot {
  return {
    address: '10.0.0.1',
    mac: '02:00:00:00:00:01',
    hostname: 'rack1-1',
    model: 'Antminer S19j Pro',
    modelCode: 'S19JPRO',
    firmware: { name: 'Vnish', version: '1.2.6' },
    state: 'mining',
    stateDescription: null,
    hashrateThs: 100,
    hashrateAvgThs: 100,
    nominalThs: 104,
    powerW: 3000,
    efficiencyJth: 30,
    chipTempMaxC: 70,
    pcbTempMaxC: 60,
    fans: [
      { rpm: 5000, ok: true },
      { rpm: 5100, ok: true },
    ],
    chains: [],
    pools: [
      {
        url: 'stratum+tcp://pool:3333',
        user: 'w',
        status: 'active',
        accepted: 1,
        rejected: 0,
        stale: 0,
        type: 'user',
      },
    ],
    preset: { running: '3000', configured: '3000' },
    throttlePct: null,
    uptimeS: 3600,
    hwErrors: 0,
    polledAt: iso(T0),
    ...over,
  };
}

/** A record; `n` makes the address 10.0.0.n and the MAC unique. */
export function miner(
  n: number,
  over: Partial<Omit<MinerRecord, 'snapshot'>> = {},
  snap: Partial<MinerSnapshot> | null = {},
): MinerRecord {
  const address = `10.0.0.${n}`;
  const mac = `02:00:00:00:${String(Math.floor(n / 256) % 256).padStart(2, '0')}:${(n % 256).toString(16).padStart(2, '0')}`;
  const seen = over.lastSeenAt ?? iso(T0);
  return {
    id: mac,
    address,
    mac,
    labels: {},
    freshness: 'live',
    lastSeenAt: seen,
    lastError: null,
    snapshot: snap === null ? null : snapshot({ address, mac, polledAt: seen ?? iso(T0), ...snap }),
    ...over,
  };
}

/** Freshness context at T0 + `afterMs`, connected, 25 s threshold. */
export const ctxAt = (afterMs = 0, connected = true) => ({
  nowMs: T0 + afterMs,
  staleAfterMs: 25_000,
  connected,
});
