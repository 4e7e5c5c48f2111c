/**
 * Connection slice: how the renderer reaches the core, and whether it currently does.
 *
 * `open` is the only state in which figures may be shown as live; every other state is explained to
 * the technician by a full-page message (what happened and what Hashwatch is doing about it).
 */
import type { SliceCreator } from './types.js';

/** Electron preload bridge, or the headless host's WebSocket. */
export type TransportKind = 'ipc' | 'websocket';

/** Where the connection to the core stands. */
export type ConnectionStatus =
  /** First attempt, nothing heard yet. */
  | 'connecting'
  | 'open'
  /** Was open, dropped; the transport retries with backoff. */
  | 'reconnecting'
  /** The page has no access token to present (and the host refused it without one). */
  | 'no-token'
  /** Opened neither by the desktop app nor from a Hashwatch host (e.g. from a file). */
  | 'no-host'
  /** The host answered that the token is not valid (e.g. it restarted with a new one). */
  | 'refused'
  /** The host locked this client out after too many failed attempts. */
  | 'locked-out';

/** The connection as the frame and the overlay show it. */
export interface ConnectionInfo {
  transport: TransportKind | null;
  status: ConnectionStatus;
  /** Failed attempts since the connection was last open. */
  failedAttempts: number;
  /** When the connection was last opened or lost (local epoch ms). */
  sinceMs: number | null;
  /** The endpoint, without the token, for messages (e.g. `ws://127.0.0.1:8080/ws`). */
  endpoint: string | null;
}

/** The connection slice. */
export interface ConnectionSlice {
  connection: ConnectionInfo;
  setConnection(patch: Partial<ConnectionInfo>): void;
}

/** Starts as "connecting" until the api bootstrap says otherwise. */
export const createConnectionSlice: SliceCreator<ConnectionSlice> = (set, get) => ({
  connection: { transport: null, status: 'connecting', failedAttempts: 0, sinceMs: null, endpoint: null },
  setConnection(patch) {
    set({ connection: { ...get().connection, ...patch } });
  },
});
