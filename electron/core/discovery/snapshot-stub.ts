/**
 * A MinerSnapshot for a miner that could not be read: every measurement null, the state saying why.
 *
 * The CLI's `--json` output is an array of MinerSnapshot, and an unreachable miner is part of the
 * answer (`state: "offline"`), not a gap in it; missing data stays null, never 0.
 */
import type { MinerSnapshot, MinerState } from '../../../shared/miner.js';

export interface StubSnapshotInput {
  address: string;
  mac?: string | null;
  model?: string | null;
  firmware?: { name: string | null; version: string | null };
  state: MinerState;
  stateDescription?: string | null;
  polledAt: string;
}

/** Builds a snapshot that carries identity and state only. */
export function stubSnapshot(input: StubSnapshotInput): MinerSnapshot {
  return {
    address: input.address,
    mac: input.mac ?? null,
    hostname: null,
    model: input.model ?? null,
    modelCode: null,
    firmware: input.firmware ?? { name: null, version: null },
    state: input.state,
    stateDescription: input.stateDescription ?? null,
    hashrateThs: null,
    hashrateAvgThs: null,
    nominalThs: null,
    powerW: null,
    efficiencyJth: null,
    chipTempMaxC: null,
    pcbTempMaxC: null,
    fans: [],
    chains: [],
    pools: [],
    preset: { running: null, configured: null },
    throttlePct: null,
    uptimeS: null,
    hwErrors: null,
    polledAt: input.polledAt,
  };
}
