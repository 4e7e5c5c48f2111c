/**
 * The demo farm both composition roots start for `npm run demo` / `npm run demo:web`: the bundled
 * scenario (about 100 miners of mixed models and firmware, a few faults developing over the first
 * minutes) in real time on 127.0.0.1, one port per miner.
 */
import { startFarm, type Farm, type ScenarioSpec } from './index.js';
// Imported, not read from disk, so the scenario travels inside the bundles (dist/cli, dist/main).
import demoScenario from './scenarios/demo.json' with { type: 'json' };

export interface DemoFarm {
  farm: Farm;
  /** Discovery targets (`host:port`) for every simulated miner. */
  targets: string[];
  /** The web password the demo miners use. */
  password: string;
  controlUrl: string;
  close(): Promise<void>;
}

export async function startDemoFarm(opts: { seed?: number } = {}): Promise<DemoFarm> {
  const farm = await startFarm({ scenario: demoScenario as ScenarioSpec, bind: 'ports', ...opts });
  const passwords = new Set(farm.miners.map((m) => m.password));
  if (passwords.size !== 1) throw new Error('the demo scenario must give every miner the same password');
  return {
    farm,
    targets: farm.miners.map((m) => m.address),
    password: [...passwords][0]!,
    controlUrl: farm.controlUrl,
    close: () => farm.close(),
  };
}
