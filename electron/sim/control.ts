/**
 * The simulator's control API on a separate loopback port: inject faults, read ground truth, move time.
 *
 * This is the back door tests and the advisor's evaluation use to score against what is really going
 * on inside each miner; clients of the vnish API never see it.
 *
 *   GET    /miners                       every miner (address, model, firmware, password)
 *   GET    /miners/:i/truth?electricity=0.06&hashprice=0.05   ground truth of one miner
 *   GET    /truth?electricity=&hashprice=                      ground truth of every miner
 *   POST   /miners/:i/faults   {FaultSpec}                     inject a fault -> FaultRecord
 *   DELETE /miners/:i/faults                                   clear one miner's faults
 *   DELETE /faults                                             clear every fault
 *   POST   /miners/:i/reboot                                   reboot a miner
 *   POST   /miners/:i/password {"password": "..."}             change a web password
 *   POST   /advance {"ms": 60000}                              jump the sim clock
 *   GET    /clock                                              {"nowMs", "speed"}
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FAULT_TYPES, type FaultSpec } from './types.js';
import type { Farm } from './index.js';

/** Start the control server; resolves with it and its URL. */
export async function startControl(
  farm: Omit<Farm, 'controlUrl' | 'close'>,
  port: number,
  speed: () => number,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (b: Buffer) => chunks.push(b));
    req.on('end', () => {
      const reply = (status: number, body: unknown): void => {
        const text = JSON.stringify(body);
        res.writeHead(status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
      };
      try {
        const url = new URL(req.url ?? '/', 'http://control');
        const parts = url.pathname.split('/').filter(Boolean);
        const text = Buffer.concat(chunks).toString('utf8');
        const body: unknown = text ? JSON.parse(text) : null;
        const prices = {
          electricityUsdPerKwh: Number(url.searchParams.get('electricity') ?? 0.06),
          hashpriceUsdPerThDay: Number(url.searchParams.get('hashprice') ?? 0.05),
        };
        const method = req.method ?? 'GET';
        const idx = parts[0] === 'miners' && parts[1] !== undefined ? Number(parts[1]) : -1;
        if (
          parts[0] === 'miners' &&
          parts[1] !== undefined &&
          (!Number.isInteger(idx) || idx < 0 || idx >= farm.miners.length)
        ) {
          return reply(404, { error: `no miner ${parts[1]}` });
        }
        if (method === 'GET' && url.pathname === '/miners') return reply(200, farm.miners);
        if (method === 'GET' && url.pathname === '/clock')
          return reply(200, { nowMs: farm.now(), speed: speed() });
        if (method === 'GET' && url.pathname === '/truth')
          return reply(
            200,
            farm.miners.map((m) => farm.groundTruth(m.index, prices)),
          );
        if (method === 'DELETE' && url.pathname === '/faults') {
          farm.clearFaults();
          return reply(200, { ok: true });
        }
        if (method === 'POST' && url.pathname === '/advance') {
          const ms = Number((body as { ms?: unknown } | null)?.ms);
          if (!Number.isFinite(ms) || ms < 0) return reply(400, { error: 'ms must be a number >= 0' });
          farm.advance(ms);
          return reply(200, { nowMs: farm.now() });
        }
        if (idx >= 0) {
          const sub = parts.slice(2).join('/');
          if (method === 'GET' && sub === 'truth') return reply(200, farm.groundTruth(idx, prices));
          if (method === 'POST' && sub === 'faults') {
            const spec = body as FaultSpec | null;
            if (!spec || !(FAULT_TYPES as readonly string[]).includes(spec.type))
              return reply(400, { error: `type must be one of ${FAULT_TYPES.join(', ')}` });
            farm.injectFault(idx, spec);
            const truth = farm.groundTruth(idx, prices);
            return reply(200, truth.faults[truth.faults.length - 1]);
          }
          if (method === 'DELETE' && sub === 'faults') {
            farm.clearFaults(idx);
            return reply(200, { ok: true });
          }
          if (method === 'POST' && sub === 'reboot') {
            farm.reboot(idx);
            return reply(200, { ok: true });
          }
          if (method === 'POST' && sub === 'password') {
            const pw = (body as { password?: unknown } | null)?.password;
            if (typeof pw !== 'string' || pw.length === 0)
              return reply(400, { error: 'password must be a non-empty string' });
            farm.setPassword(idx, pw);
            return reply(200, { ok: true });
          }
        }
        reply(404, { error: 'unknown control endpoint' });
      } catch (e) {
        reply(400, { error: (e as Error).message });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${addr.port}` };
}
