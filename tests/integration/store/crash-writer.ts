/**
 * Child process for the kill -9 test: writes poll cycles to a store as fast as it can, printing the index
 * of every committed cycle, until it is killed.
 */
import { openStore } from '../../../electron/core/store/index.js';
import { manualClock, okResult } from '../../fixtures/store/snapshots.js';

const [path, minersArg, t0Arg] = process.argv.slice(2);
const miners = Number(minersArg);
const t0 = Number(t0Arg);
const clock = manualClock(t0);
const store = openStore({ path: path!, clock });
for (let k = 0; ; k++) {
  const at = t0 + k * 10_000;
  clock.set(at);
  store.writeCycle(Array.from({ length: miners }, (_, i) => okResult(i, at)));
  if (k % 6 === 5) store.maintain({ maxRows: 2000 });
  process.stdout.write(`${k}\n`);
}
