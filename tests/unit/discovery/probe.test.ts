import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  netConnect,
  probeTargets,
  tcpConnect,
  type ProbeResult,
} from '../../../electron/core/discovery/probe.js';
import { probeInWorker } from '../../../electron/core/discovery/probe-worker.js';
import { parseTargets } from '../../../electron/core/discovery/targets.js';

let server: net.Server;
let openPort: number;
let closedPort: number;

beforeAll(async () => {
  server = net.createServer((s) => s.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  openPort = (server.address() as net.AddressInfo).port;
  // A port that was free a moment ago: loopback refuses it at once.
  const tmp = net.createServer();
  await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
  closedPort = (tmp.address() as net.AddressInfo).port;
  await new Promise((r) => tmp.close(r));
});
afterAll(() => new Promise((r) => server.close(r)));

describe('TCP connect probe (loopback only)', () => {
  it('tells open from refused, on both connect paths', async () => {
    for (const connect of [tcpConnect, netConnect]) {
      expect(await connect('127.0.0.1', openPort, 2000)).toBe('open');
      expect(await connect('127.0.0.1', closedPort, 2000)).toBe('closed');
    }
    expect(await tcpConnect('localhost', openPort, 2000)).toBe('open');
  });

  it('reports each target once with the ports that accepted, in the order asked', async () => {
    const results: ProbeResult[] = [];
    await probeTargets(
      parseTargets([`127.0.0.1:${openPort}`, `127.0.0.1:${closedPort}`]),
      (r) => results.push(r),
      { concurrency: 4 },
    );
    expect(results.map((r) => [r.target.port, r.openPorts, r.alive]).sort()).toEqual(
      [
        [openPort, [openPort], true],
        [closedPort, [], true],
      ].sort(),
    );
    const both: ProbeResult[] = [];
    await probeTargets(parseTargets(['127.0.0.1']), (r) => both.push(r), {
      ports: [closedPort, openPort],
    });
    expect(both).toEqual([{ target: { host: '127.0.0.1', port: null }, openPorts: [openPort], alive: true }]);
  });

  it('retries probes that hit descriptor exhaustion instead of counting them as misses', async () => {
    let calls = 0;
    const flaky = async () => (++calls % 3 === 0 ? ('retry' as const) : ('closed' as const));
    const results: ProbeResult[] = [];
    await probeTargets(parseTargets(['10.9.0.0/26']), (r) => results.push(r), {
      connect: flaky,
      concurrency: 32,
    });
    expect(results).toHaveLength(62);
    expect(results.every((r) => r.alive)).toBe(true);
  });

  it('gives the same answers on a worker thread: open targets one by one, the rest as counts', async () => {
    const targets = parseTargets([
      `127.0.0.1:${openPort}`,
      `127.0.0.1:${closedPort}`,
      '127.0.0.1',
      'localhost',
    ]);
    const open: ProbeResult[] = [];
    let counted = 0;
    const run = probeInWorker(
      targets,
      (r) => open.push(r),
      (n) => (counted += n),
      {
        concurrency: 8,
        timeoutMs: 2000,
        ports: [closedPort, openPort],
      },
    );
    expect(run).not.toBeNull();
    await run;
    expect(open.map((r) => [r.target, r.openPorts])).toEqual([
      [{ host: '127.0.0.1', port: null }, [openPort]],
      [{ host: '127.0.0.1', port: openPort }, [openPort]],
      [{ host: 'localhost', port: null }, [openPort]],
    ]);
    expect(counted + open.length).toBe(targets.total);
  });

  it('stops a worker sweep when aborted', async () => {
    const controller = new AbortController();
    let counted = 0;
    // 16,382 loopback addresses (each refuses at once): abort as soon as the first batch of counts
    // arrives, and the run must end without the rest.
    const targets = parseTargets(['127.3.0.0/18']);
    const run = probeInWorker(
      targets,
      () => {},
      (n) => {
        counted += n;
        controller.abort();
      },
      { concurrency: 16, timeoutMs: 2000, ports: [closedPort], signal: controller.signal },
    );
    await run;
    expect(counted).toBeGreaterThan(0);
    expect(counted).toBeLessThan(targets.total);
  });
});
