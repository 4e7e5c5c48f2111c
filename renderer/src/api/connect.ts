/**
 * The renderer's api composition: picks the transport, wires its life into the connection slice and
 * starts the sync. main.tsx calls this once with the real browser environment; tests call it with
 * fakes.
 */
import type { AppStore } from '../store/create-store.js';
import { createConnectionObserver, startSync, type BootstrapDeps, type SyncHandle } from './bootstrap.js';
import {
  probeHost,
  selectApi,
  type ApiEnvironment,
  type ApiSelection,
  type FetchLike,
} from './select-api.js';

/** Clock, timers and (in a browser) fetch for the refusal probe. */
export interface ConnectDeps extends Omit<BootstrapDeps, 'probe'> {
  /** Used to ask the host why a socket was refused; without it a refusal just keeps retrying. */
  fetch?: FetchLike;
}

/** The running connection: the chosen transport and how to stop it. */
export interface Connection {
  selection: ApiSelection;
  stop(): void;
}

/** Picks the transport, follows its state in the store, and keeps the store in sync with the core. */
export function connectApp(env: ApiEnvironment, store: AppStore, deps: ConnectDeps): Connection {
  const setConnection = store.getState().setConnection;
  let selection: ApiSelection | null = null;
  let sync: SyncHandle | null = null;

  const probe =
    deps.fetch &&
    (() => {
      const sel = selection;
      if (sel?.kind !== 'websocket') return Promise.resolve('reachable' as const);
      return probeHost(deps.fetch!, sel.pageUrl, sel.token);
    });

  const observer = createConnectionObserver(store, {
    now: deps.now,
    probe,
    // Read lazily: the observer only fires after selectApi has returned.
    get hadToken() {
      return selection?.kind === 'websocket' && selection.token !== null;
    },
    onOpen: () => void sync?.resync(),
    giveUp: () => {
      if (selection?.kind === 'websocket') selection.transport.close();
    },
  });

  selection = selectApi(env, observer);
  switch (selection.kind) {
    case 'ipc':
      setConnection({ transport: 'ipc', status: 'open', sinceMs: deps.now(), endpoint: null });
      sync = startSync(selection.api, store, deps);
      void sync.resync();
      break;
    case 'websocket':
      setConnection({ transport: 'websocket', status: 'connecting', endpoint: selection.endpoint });
      sync = startSync(selection.api, store, deps);
      break;
    case 'no-host':
      setConnection({ transport: null, status: 'no-host' });
      break;
  }
  const sel = selection;
  return {
    selection: sel,
    stop() {
      sync?.stop();
      if (sel.kind === 'websocket') sel.transport.close();
    },
  };
}
