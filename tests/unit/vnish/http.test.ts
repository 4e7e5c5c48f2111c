import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HashwatchError } from '../../../shared/errors.js';
import { createTransport, type HttpRequest, type Transport } from '../../../electron/core/vnish/http.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function transport(over: Partial<Parameters<typeof createTransport>[0]> = {}): Transport {
  const t = createTransport({
    connectTimeoutMs: 1000,
    requestTimeoutMs: 2000,
    maxConnectionsPerMiner: 2,
    maxConnections: 16,
    ...over,
  });
  cleanups.push(() => t.close());
  return t;
}

async function listen(server: net.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        (server as http.Server).closeAllConnections?.();
        server.close(() => resolve());
      }),
  );
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A raw TCP server answering each request with `answer(socket)`; counts connections. */
async function rawServer(
  answer: (socket: net.Socket) => void,
): Promise<{ address: string; connections: () => number }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      while (buf.includes('\r\n\r\n')) {
        buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
        answer(socket);
      }
    });
    socket.on('error', () => undefined);
  });
  const address = await listen(server);
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
  });
  return { address, connections: () => connections };
}

function get(address: string, extra: Partial<HttpRequest> = {}): HttpRequest {
  return { address, method: 'GET', path: '/x', idempotent: true, maxBodyBytes: 1 << 20, ...extra };
}

async function caught(p: Promise<unknown>): Promise<HashwatchError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HashwatchError) return e;
    throw e;
  }
  throw new Error('expected a HashwatchError');
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('vnish HTTP transport', () => {
  it('headers: lower-case names, the first value of a repeated one, all of them kept', async () => {
    const address = await listen(
      http.createServer((_q, res) => {
        res.setHeader('X-Thing', ['first', 'second']);
        res.setHeader('WWW-Authenticate', 'Bearer realm="vnish"');
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 11 });
        res.end('{"ok":true}');
      }),
    );
    const r = await transport().send(get(address));
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/json');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['x-thing']).toBe('first');
    expect(r.headers['www-authenticate']).toBe('Bearer realm="vnish"');
    expect(r.headers['content-length']).toBe('11');
    expect(JSON.parse(r.text)).toEqual({ ok: true });
    expect(r.truncated).toBe(false);
  });

  it('a body in many chunks, with a character split between two, decodes whole', async () => {
    const text = `{"name":"${'é'.repeat(20)}ü"}`;
    const bytes = Buffer.from(text, 'utf8');
    const { address } = await rawServer((s) => {
      s.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n');
      let at = 0;
      const step = () => {
        if (at >= bytes.length) return void s.write('0\r\n\r\n');
        const part = bytes.subarray(at, at + 7); // 7 bytes: splits the two-byte characters
        at += part.length;
        s.write(`${part.length.toString(16)}\r\n`);
        s.write(part);
        s.write('\r\n');
        setTimeout(step, 2);
      };
      step();
    });
    const r = await transport().send(get(address));
    expect(r.text).toBe(text);
    expect(r.headers['content-length']).toBeUndefined();
  });

  it('over the cap: the first bytes, marked truncated, and the transport goes on working', async () => {
    const big = 'a'.repeat(5000) + 'b'.repeat(5000);
    const address = await listen(
      http.createServer((q, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(q.url === '/big' ? big : 'small');
      }),
    );
    const t = transport();
    const r = await t.send(get(address, { path: '/big', maxBodyBytes: 1000 }));
    expect(r.truncated).toBe(true);
    expect(r.text).toBe('a'.repeat(1000));
    expect((await t.send(get(address))).text).toBe('small');
    expect(t.load()).toEqual({ active: 0, queued: 0 });
  });

  it('over the cap in the same packet as the end of a Connection: close answer', async () => {
    const body = 'z'.repeat(3000);
    const { address } = await rawServer((s) => {
      s.end(`HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
    });
    const t = transport();
    const r = await t.send(get(address, { maxBodyBytes: 100 }));
    expect(r).toMatchObject({ status: 200, truncated: true, text: 'z'.repeat(100) });
    const again = await t.send(get(address, { maxBodyBytes: 10_000 }));
    expect(again).toMatchObject({ truncated: false, text: body });
  });

  it('keepTail keeps the last bytes of a long body that comes in pieces', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i}\n`);
    const { address } = await rawServer((s) => {
      s.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n');
      let i = 0;
      const step = () => {
        if (i >= lines.length) return void s.write('0\r\n\r\n');
        const piece = lines.slice(i, i + 13).join('');
        i += 13;
        s.write(`${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`);
        setTimeout(step, 1);
      };
      step();
    });
    const r = await transport().send(get(address, { maxBodyBytes: 100, keepTail: true }));
    expect(r.truncated).toBe(true);
    expect(r.text).toBe(lines.join('').slice(-100));
  });

  it('a byte order mark opening the body is dropped, with or without a Content-Length', async () => {
    const bom = '\uFEFF{"a":1}';
    const address = await listen(
      http.createServer((q, res) => {
        if (q.url === '/chunked') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write(bom);
          res.end();
        } else {
          res.writeHead(200, {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(bom),
          });
          res.end(bom);
        }
      }),
    );
    const t = transport();
    expect(JSON.parse((await t.send(get(address))).text)).toEqual({ a: 1 });
    expect(JSON.parse((await t.send(get(address, { path: '/chunked' }))).text)).toEqual({ a: 1 });
  });

  it('POST sends JSON with its content type; a caller header replaces the default accept', async () => {
    const seen: Array<{ method: string; headers: http.IncomingHttpHeaders; body: string }> = [];
    const address = await listen(
      http.createServer((q, res) => {
        let body = '';
        q.on('data', (d: Buffer) => (body += d.toString('utf8')));
        q.on('end', () => {
          seen.push({ method: q.method!, headers: q.headers, body });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{}');
        });
      }),
    );
    const t = transport();
    await t.send({
      ...get(address),
      method: 'POST',
      idempotent: false,
      json: { pw: 'secret' },
      headers: { authorization: 'Bearer t', 'content-type': 'text/plain' },
    });
    await t.send(get(address, { headers: { accept: 'text/html' } }));
    await t.send(get(address));
    expect(seen[0]).toMatchObject({
      method: 'POST',
      body: '{"pw":"secret"}',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer t',
        accept: 'application/json, text/plain, */*',
      },
    });
    expect(seen[1]!.headers.accept).toBe('text/html');
    expect(seen[2]!.headers.accept).toBe('application/json, text/plain, */*');
  });

  it('a body that stalls is a Timeout naming the limit, and frees its slot', async () => {
    const { address } = await rawServer((s) => {
      s.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"half":');
    });
    const t = transport();
    const e = await caught(t.send(get(address, { timeoutMs: 150 })));
    expect(e.code).toBe('Timeout');
    expect(e.details).toMatchObject({ address, endpoint: '/x', timeoutMs: 150 });
    expect(t.load()).toEqual({ active: 0, queued: 0 });
  });

  it('the caller aborting half way through the body is Cancelled, and frees its slot', async () => {
    let started!: () => void;
    const halfway = new Promise<void>((r) => (started = r));
    const { address } = await rawServer((s) => {
      s.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"half":', () => started());
    });
    const t = transport();
    const ac = new AbortController();
    const p = t.send(get(address, { signal: ac.signal }));
    await halfway;
    await tick(20);
    ac.abort();
    expect((await caught(p)).code).toBe('Cancelled');
    expect(t.load()).toEqual({ active: 0, queued: 0 });
  });

  it('a read that meets a dropped connection is answered by its one retry; a write is not sent again', async () => {
    let seen = 0;
    const { address } = await rawServer((s) => {
      seen += 1;
      if (seen % 2 === 1) s.destroy();
      else s.write('HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\n{"n":"2"}');
    });
    const t = transport();
    expect((await t.send(get(address))).text).toBe('{"n":"2"}');
    expect(seen).toBe(2);
    const e = await caught(t.send({ ...get(address), method: 'POST', idempotent: false, json: {} }));
    expect(e.code).toBe('Unreachable');
    expect(e.details).toMatchObject({ cause: 'connection-reset' });
    expect(seen).toBe(3);
    expect(t.load()).toEqual({ active: 0, queued: 0 });
  });

  it('closeAfter closes the socket; otherwise it is kept alive for the next request', async () => {
    const { address, connections } = await rawServer((s) => {
      s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}');
    });
    const t = transport({ maxConnectionsPerMiner: 1 });
    await t.send(get(address));
    await t.send(get(address));
    expect(connections()).toBe(1);
    await t.send(get(address, { closeAfter: true }));
    await t.send(get(address, { closeAfter: true }));
    expect(connections()).toBe(2);
  });

  it('a closed transport refuses new requests', async () => {
    const t = transport();
    await t.close();
    expect((await caught(t.send(get('127.0.0.1:9')))).code).toBe('Unavailable');
  });
});
