/**
 * Child process of the scan benchmark: a simulated farm on 127.0.x.y:80/4028 (inside the benchmark's
 * network namespace), in its own process so the miners do not share the scanner's event loop.
 * Prints the farm's addresses and MACs as one JSON line, then runs until stdin closes.
 */
import { startFarm } from '../../electron/sim/index.js';

const miners = Number(process.argv[2] ?? '1000');
// Sim time frozen: 1,000 miners ticking in one process would otherwise take CPU the scanner is measured on
// (real miners are separate machines).
const farm = await startFarm({ miners, seed: 16, bind: 'ips', speed: 0 });
process.stdout.write(`${JSON.stringify(farm.miners.map((m) => ({ address: m.address, mac: m.mac })))}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void farm.close().then(() => process.exit(0));
});
