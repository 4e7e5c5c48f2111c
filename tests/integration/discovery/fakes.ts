/**
 * Test fakes for miners on other firmwares (stock Antminer, Braiins OS, LuxOS, Whatsminer, Bitaxe) and
 * a non-miner web server, each on its own loopback address with ports 80 and 4028 like real hardware.
 *
 * Replies follow what those firmwares send (public client code and captures); the scanner must list
 * them as found but not managed, and never as vnish.
 */
import http from 'node:http';
import net from 'node:net';

export type FakeKind = 'antminer' | 'braiins' | 'luxos' | 'whatsminer' | 'bitaxe' | 'router';

interface FakeSpec {
  http?: (path: string) => { status: number; headers?: Record<string, string>; body: string };
  cgminer?: (command: string) => unknown;
}

const html = (title: string) => ({
  status: 200,
  headers: { 'content-type': 'text/html' },
  body: `<!doctype html><html><head><title>${title}</title></head><body></body></html>`,
});
const notFound = { status: 404, body: 'Not Found' };
const status = (msg: string) => [
  { STATUS: 'S', When: 1733230000, Code: 11, Msg: msg, Description: 'cgminer' },
];

export const FAKES: Record<FakeKind, FakeSpec> = {
  antminer: {
    http: () => ({
      status: 401,
      headers: { 'www-authenticate': 'Digest realm="antMiner Configuration", nonce="5f1b", qop="auth"' },
      body: '<html><body>401 Unauthorized</body></html>',
    }),
    cgminer: (cmd) =>
      cmd === 'stats'
        ? {
            STATUS: status('CGMiner stats'),
            STATS: [
              {
                BMMiner: '1.0.0',
                Miner: 'uart_trans.1.3',
                CompileTime: 'Thu Jul 7 2022',
                Type: 'Antminer S19j Pro',
              },
              { STATS: 0, ID: 'BC50', Elapsed: 1234, 'GHS 5s': '104123.45' },
            ],
            id: 1,
          }
        : cmd === 'version'
          ? {
              STATUS: status('BMMiner versions'),
              VERSION: [{ BMMiner: '1.0.0', API: '3.1', Type: 'Antminer S19j Pro' }],
            }
          : { STATUS: [{ STATUS: 'E', Code: 14, Msg: 'Invalid command' }] },
  },
  braiins: {
    http: (path) => (path === '/' ? html('Braiins OS') : notFound),
    cgminer: (cmd) =>
      cmd === 'version'
        ? { STATUS: status('BOSminer+ versions'), VERSION: [{ 'BOSminer+': '0.2.0-8e6a0c5e5', API: '3.7' }] }
        : cmd === 'stats'
          ? { STATUS: status('BOSminer+ stats'), STATS: [{ Elapsed: 100, ID: 'Miner0', 'GHS 5s': 95000 }] }
          : { STATUS: [{ STATUS: 'E', Msg: 'Invalid command' }] },
  },
  luxos: {
    cgminer: (cmd) =>
      cmd === 'version'
        ? {
            STATUS: status('LUXminer 2024.5.1'),
            VERSION: [
              {
                LUXminer: '2024.5.1.171238-2fb0b3a5',
                API: '3.7',
                Type: 'Antminer S19 XP',
                Miner: 'LUXminer',
              },
            ],
          }
        : cmd === 'stats'
          ? { STATUS: status('LUXminer stats'), STATS: [{ Type: 'Antminer S19 XP', Elapsed: 55 }] }
          : { STATUS: [{ STATUS: 'E', Msg: 'Invalid command' }] },
  },
  whatsminer: {
    http: (path) => (path === '/' ? html('WhatsMiner') : notFound),
    cgminer: (cmd) =>
      cmd === 'version'
        ? {
            STATUS: 'S',
            When: 1733230000,
            Code: 131,
            Msg: { api_ver: 'whatsminer v1.3', fw_ver: '20230911.22.REL' },
          }
        : cmd === 'stats'
          ? {
              STATUS: [{ STATUS: 'S', Msg: 'Summary' }],
              STATS: [{ Type: 'M30S+', Miner: 'btminer', Elapsed: 10 }],
            }
          : { STATUS: 'E', Code: 14, Msg: 'invalid cmd' },
  },
  bitaxe: {
    http: (path) =>
      path === '/'
        ? html('AxeOS')
        : path === '/api/system/info'
          ? {
              status: 200,
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({
                power: 13.1,
                hashRate: 512.3,
                ASICModel: 'BM1366',
                version: 'v2.1.0',
                hostname: 'bitaxe',
                macAddr: 'AA:BB:CC:DD:EE:01',
              }),
            }
          : notFound,
  },
  router: {
    http: (path) => (path === '/' ? html('Switch administration') : notFound),
  },
};

export interface RunningFake {
  kind: FakeKind;
  host: string;
  close(): Promise<void>;
}

function listen(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Starts one fake on `host` (ports 80 and/or 4028, as the kind has them). */
export async function startFake(kind: FakeKind, host: string): Promise<RunningFake> {
  const spec = FAKES[kind];
  const servers: net.Server[] = [];
  try {
    if (spec.http) {
      const handler = spec.http;
      const server = http.createServer((req, res) => {
        const r = handler(new URL(req.url ?? '/', 'http://x').pathname);
        res.writeHead(r.status, r.headers ?? { 'content-type': 'text/plain' });
        res.end(r.body);
      });
      await listen(server, host, 80);
      servers.push(server);
    }
    if (spec.cgminer) {
      const handler = spec.cgminer;
      const server = net.createServer((socket) => {
        let buf = '';
        socket.on('data', (d) => {
          buf += d.toString('utf8');
          let command = '';
          try {
            const req = JSON.parse(buf.replace(/\0+$/, '')) as { command?: string; cmd?: string };
            command = req.command ?? req.cmd ?? '';
          } catch {
            return; // wait for the rest
          }
          socket.end(`${JSON.stringify(handler(command))}\0`);
        });
        socket.on('error', () => {});
      });
      await listen(server, host, 4028);
      servers.push(server);
    }
  } catch (e) {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    throw e;
  }
  return {
    kind,
    host,
    close: async () => {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              (s as http.Server).closeAllConnections?.();
              s.close(() => resolve());
            }),
        ),
      );
    },
  };
}

/**
 * Starts every fake kind on consecutive addresses of a free 127.0.x.0/24 block (root may bind any
 * loopback address); returns the block's prefix so the test scans only that block.
 */
export async function startAllFakes(
  kinds: FakeKind[],
  firstOctet3 = 200,
): Promise<{ prefix: string; fakes: RunningFake[] }> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const o3 = firstOctet3 + ((process.pid + attempt * 7) % 50);
    const prefix = `127.0.${o3}`;
    const fakes: RunningFake[] = [];
    try {
      for (const [i, kind] of kinds.entries()) fakes.push(await startFake(kind, `${prefix}.${i + 10}`));
      return { prefix, fakes };
    } catch {
      await Promise.all(fakes.map((f) => f.close()));
    }
  }
  throw new Error('no free loopback block for the fakes');
}
