/**
 * Child process of the poll benchmark: runs one shard of the simulated farm, so its CPU is measured
 * apart from the poller's. Talks to the parent over the IPC channel.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startFarm, type Farm } from '../../electron/sim/index.js';

// The simulator's own stalls hold back thousands of miners' answers at once: reported beside the poller's.
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

interface StartMsg {
  type: 'start';
  miners: number;
  seed: number;
  cgminer: boolean;
}

let farm: Farm | null = null;

process.on('message', (raw: unknown) => {
  const msg = raw as { type: string } & Partial<StartMsg>;
  void (async () => {
    if (msg.type === 'start') {
      farm = await startFarm({
        miners: msg.miners!,
        seed: msg.seed!,
        bind: 'ports',
        cgminer: msg.cgminer!,
        speed: 1,
      });
      process.send!({
        type: 'ready',
        pid: process.pid,
        miners: farm.miners.map((m) => ({ address: m.address, mac: m.mac, password: m.password })),
      });
    } else if (msg.type === 'cpu') {
      process.send!({ type: 'cpu', usage: process.cpuUsage(), rss: process.memoryUsage().rss });
    } else if (msg.type === 'loop') {
      process.send!({ type: 'loop', p99Ms: loop.percentile(99) / 1e6, maxMs: loop.max / 1e6 });
      loop.reset();
    } else if (msg.type === 'close') {
      await farm?.close();
      process.send!({ type: 'closed' }, () => process.exit(0));
    }
  })().catch((e: unknown) => {
    process.send!({ type: 'error', message: String(e) });
  });
});
