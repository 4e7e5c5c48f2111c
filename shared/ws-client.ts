/**
 * The contract's WebSocket wire form and a client transport for it.
 *
 * Used by the renderer in a browser (headless host) and by tests under Node (undici's WebSocket):
 * the socket constructor is passed in, so this file needs neither the DOM nor Node.
 */
import type { ContractTransport } from './contract.js';
import type { Result } from './errors.js';

export type ClientMessage = { t: 'call'; id: number; method: string; input: unknown };
export type ServerMessage =
  { t: 'result'; id: number; result: Result<unknown> } | { t: 'event'; event: string; payload: unknown };

/** The part of the WebSocket API both the browser and undici implement. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (ev: { data: unknown }) => void): void;
}
export type SocketFactory = (url: string) => SocketLike;

export interface WsTransport extends ContractTransport {
  close(): void;
  /** Resolves once the socket is open (rejects if it closes first). */
  ready(): Promise<void>;
}

const OPEN = 1;

/**
 * A transport that reconnects with backoff; calls made while disconnected wait for the socket,
 * calls in flight when it drops resolve to an `Unavailable` error value.
 */
export function createWsTransport(
  url: string,
  factory: SocketFactory,
  opts: { reconnect?: boolean; maxBackoffMs?: number } = {},
): WsTransport {
  const reconnect = opts.reconnect ?? true;
  const maxBackoff = opts.maxBackoffMs ?? 10_000;
  let nextId = 1;
  let socket: SocketLike;
  let closed = false;
  let backoff = 250;
  let openWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const listeners = new Set<(event: string, payload: unknown) => void>();

  const connect = () => {
    const s = factory(url);
    socket = s;
    s.addEventListener('open', () => {
      backoff = 250;
      for (const w of openWaiters) w.resolve();
      openWaiters = [];
    });
    s.addEventListener('message', (ev) => {
      let msg: ServerMessage;
      try {
        msg = JSON.parse(String(ev.data)) as ServerMessage;
      } catch {
        return;
      }
      if (msg.t === 'result') {
        const done = pending.get(msg.id);
        pending.delete(msg.id);
        done?.(msg.result);
      } else if (msg.t === 'event') {
        for (const l of listeners) l(msg.event, msg.payload);
      }
    });
    s.addEventListener('close', () => {
      for (const done of pending.values()) {
        done({ ok: false, error: { code: 'Unavailable', message: 'Connection to Hashwatch lost' } });
      }
      pending.clear();
      if (closed || !reconnect) {
        for (const w of openWaiters) w.reject(new Error('socket closed'));
        openWaiters = [];
        return;
      }
      setTimeout(() => {
        if (!closed) connect();
      }, backoff);
      backoff = Math.min(backoff * 2, maxBackoff);
    });
    s.addEventListener('error', () => {
      /* a close event follows */
    });
  };
  connect();

  const ready = () =>
    socket.readyState === OPEN
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => openWaiters.push({ resolve, reject }));

  return {
    ready,
    async request(method, input) {
      if (closed) return { ok: false, error: { code: 'Unavailable', message: 'Client closed' } };
      try {
        await ready();
      } catch {
        return { ok: false, error: { code: 'Unavailable', message: 'Cannot reach Hashwatch' } };
      }
      const id = nextId++;
      return new Promise<Result<unknown>>((resolve) => {
        pending.set(id, resolve);
        const msg: ClientMessage = { t: 'call', id, method, input };
        socket.send(JSON.stringify(msg));
      });
    },
    subscribe(handler) {
      listeners.add(handler);
      return () => listeners.delete(handler);
    },
    close() {
      closed = true;
      socket.close(1000, 'client closed');
    },
  };
}
