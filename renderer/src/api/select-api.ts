/**
 * Chooses how the renderer reaches the core: the Electron preload bridge when it exists, else the
 * headless host's WebSocket with the page's access token.
 *
 * Everything the choice reads (the bridge, the location, history, session storage, the socket
 * constructor) is passed in, so the rules are unit-tested under Node without a DOM.
 */
import { createClient, type HashwatchApi } from '../../../shared/client.js';
import {
  createWsTransport,
  type SocketFactory,
  type SocketLike,
  type WsTransport,
} from '../../../shared/ws-client.js';

/** sessionStorage key: the token survives a reload of the tab, and nothing else. */
export const TOKEN_STORAGE_KEY = 'hashwatch.token';

/** The browser facts the token rules read. */
export interface TokenEnvironment {
  location: { href: string };
  history: { replaceState(data: unknown, unused: string, url?: string | URL | null): void } | null;
  /** sessionStorage, or null where it is unavailable (storage disabled). */
  storage: { getItem(key: string): string | null; setItem(key: string, value: string): void } | null;
}

/**
 * Takes the access token from `?token=` (then removes it from the visible URL and keeps it in session
 * storage, so it is not left on screen, in history or in a screenshot, yet a reload still works), or
 * from session storage when the URL has none.
 */
export function takeToken(env: TokenEnvironment): string | null {
  const url = new URL(env.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      env.storage?.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      // Storage full or disabled: the token still works for this page load.
    }
    url.searchParams.delete('token');
    env.history?.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  try {
    return env.storage?.getItem(TOKEN_STORAGE_KEY) || null;
  } catch {
    return null;
  }
}

/** Whether a value looks like the preload's `window.hashwatch` bridge. */
export function isBridge(value: unknown): value is HashwatchApi {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { call?: unknown; on?: unknown };
  return typeof v.call === 'function' && typeof v.on === 'function';
}

/** The host's WebSocket endpoint for a page URL, without and with the token. */
export function wsEndpoint(pageHref: string, token: string | null): { display: string; url: string } {
  const page = new URL(pageHref);
  const ws = new URL('./ws', page);
  ws.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
  ws.search = '';
  ws.hash = '';
  const display = ws.toString();
  if (token) ws.searchParams.set('token', token);
  return { display, url: ws.toString() };
}

/** Hooks the bootstrap uses to follow the socket's life (each attempt, open, close). */
export interface SocketObserver {
  attempt(): void;
  open(): void;
  close(wasOpen: boolean): void;
}

/** Everything the transport choice reads. */
export interface ApiEnvironment extends TokenEnvironment {
  /** `window.hashwatch`, present only under the Electron preload. */
  bridge: unknown;
  createSocket: SocketFactory;
}

/** How the renderer reaches the core. */
export type ApiSelection =
  | { kind: 'ipc'; api: HashwatchApi }
  | {
      kind: 'websocket';
      api: HashwatchApi;
      transport: WsTransport;
      /** ws(s)://host/ws without the token, for messages. */
      endpoint: string;
      /** The page's HTTP origin + path, for the refusal probe. */
      pageUrl: string;
      token: string | null;
    }
  /** Neither a bridge nor an http(s) page: opened from a file or an unknown shell. */
  | { kind: 'no-host' };

/** Wraps a socket factory so every attempt, open and close is reported. */
export function observeSockets(factory: SocketFactory, observer: SocketObserver): SocketFactory {
  return (url) => {
    observer.attempt();
    const socket: SocketLike = factory(url);
    let wasOpen = false;
    socket.addEventListener('open', () => {
      wasOpen = true;
      observer.open();
    });
    socket.addEventListener('close', () => observer.close(wasOpen));
    return socket;
  };
}

/**
 * Picks the transport. Without a token the WebSocket is still tried: the host may accept the HttpOnly
 * cookie it set when the page was first opened with the token; a refusal is reported by the observer.
 */
export function selectApi(env: ApiEnvironment, observer: SocketObserver): ApiSelection {
  if (isBridge(env.bridge)) return { kind: 'ipc', api: env.bridge };
  const page = new URL(env.location.href);
  if (page.protocol !== 'http:' && page.protocol !== 'https:') return { kind: 'no-host' };
  const token = takeToken(env);
  const { display, url } = wsEndpoint(env.location.href, token);
  const transport = createWsTransport(url, observeSockets(env.createSocket, observer));
  const pageUrl = new URL('./', page);
  pageUrl.search = '';
  pageUrl.hash = '';
  return {
    kind: 'websocket',
    api: createClient(transport),
    transport,
    endpoint: display,
    pageUrl: pageUrl.toString(),
    token,
  };
}

/** What the host said about a failed socket. */
export type ProbeVerdict = 'refused' | 'locked-out' | 'unreachable' | 'reachable';

/** The part of `fetch` the probe uses. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string> },
) => Promise<{
  status: number;
}>;

/**
 * Asks the host over HTTP why a socket failed: a WebSocket handshake refusal looks like any network
 * error to a page, but the same token on a HEAD request gets a real status (401, 429).
 */
export async function probeHost(
  fetchFn: FetchLike,
  pageUrl: string,
  token: string | null,
): Promise<ProbeVerdict> {
  try {
    const res = await fetchFn(pageUrl, {
      method: 'HEAD',
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
    if (res.status === 401 || res.status === 403) return 'refused';
    if (res.status === 429) return 'locked-out';
    return 'reachable';
  } catch {
    return 'unreachable';
  }
}
