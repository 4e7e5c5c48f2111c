/**
 * Fakes for the renderer's api tests: a browser-like environment and scriptable sockets.
 */
import type { HashwatchApi } from '../../../shared/contract.js';
import type { SocketLike } from '../../../shared/ws-client.js';
import type { ApiEnvironment } from '../../../renderer/src/api/select-api.js';

type Listener = (ev: { data: unknown }) => void;

/** A socket whose open/close the test triggers; calls are answered by `answer`. */
export class FakeSocket implements SocketLike {
  readyState = 0;
  readonly sent: Array<{ t: string; id: number; method: string; input: unknown }> = [];
  private readonly listeners = new Map<string, Listener[]>();
  constructor(
    readonly url: string,
    private readonly answer: (method: string) => unknown,
  ) {}
  addEventListener(type: string, fn: Listener): void {
    const l = this.listeners.get(type) ?? [];
    l.push(fn);
    this.listeners.set(type, l);
  }
  private emit(type: string, ev: { data: unknown } = { data: null }) {
    for (const l of this.listeners.get(type) ?? []) l(ev);
  }
  send(data: string): void {
    const msg = JSON.parse(data) as { t: string; id: number; method: string; input: unknown };
    this.sent.push(msg);
    const result = this.answer(msg.method);
    queueMicrotask(() => this.emit('message', { data: JSON.stringify({ t: 'result', id: msg.id, result }) }));
  }
  close(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.emit('close');
  }
  open(): void {
    this.readyState = 1;
    this.emit('open');
  }
  push(event: string, payload: unknown): void {
    this.emit('message', { data: JSON.stringify({ t: 'event', event, payload }) });
  }
}

export interface FakeEnv extends ApiEnvironment {
  sockets: FakeSocket[];
  replaced: string[];
  stored: Map<string, string>;
}

/** A browser-like environment at `href`; sockets answer with `answer(method)`. */
export function fakeEnv(href: string, answer: (method: string) => unknown, bridge?: HashwatchApi): FakeEnv {
  const sockets: FakeSocket[] = [];
  const replaced: string[] = [];
  const stored = new Map<string, string>();
  const location = { href };
  return {
    bridge,
    location,
    history: {
      replaceState(_d, _u, url) {
        replaced.push(String(url));
        location.href = new URL(String(url), location.href).toString();
      },
    },
    storage: {
      getItem: (k) => stored.get(k) ?? null,
      setItem: (k, v) => void stored.set(k, v),
    },
    createSocket: (url) => {
      const s = new FakeSocket(url, answer);
      sockets.push(s);
      return s;
    },
    sockets,
    replaced,
    stored,
  };
}

/** Lets pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
