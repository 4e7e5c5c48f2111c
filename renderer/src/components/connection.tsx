/**
 * The connection indicator (always visible in the frame) and the full-page message shown whenever the
 * renderer does not hear from the core: what happened, what Hashwatch is doing, what the technician
 * can do. While it shows, no figure on the page is presented as live.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { useAppStore } from '../store/store-context.js';
import type { ConnectionInfo } from '../store/connection-slice.js';
import { formatAge } from '../logic/format.js';

const FIRST_CONNECT_GRACE_MS = 800;

const TRANSPORT_LABEL = { ipc: 'desktop app', websocket: 'WebSocket' } as const;

function statusLabel(c: ConnectionInfo): string {
  switch (c.status) {
    case 'open':
      return 'Connected';
    case 'connecting':
      return 'Connecting';
    case 'reconnecting':
      return 'Connection lost';
    case 'refused':
    case 'no-token':
      return 'Access refused';
    case 'locked-out':
      return 'Locked out';
    case 'no-host':
      return 'No Hashwatch host';
  }
}

/** The small indicator in the frame (`data-testid="connection-status"`, `data-status`). */
export function ConnectionStatus() {
  const c = useAppStore((s) => s.connection);
  const tone =
    c.status === 'open' ? 'ok' : c.status === 'connecting' || c.status === 'reconnecting' ? 'warn' : 'bad';
  return (
    <div
      className={`connection-status tone-${tone}`}
      data-testid="connection-status"
      data-status={c.status}
      role="status"
    >
      <span className="freshness-dot" aria-hidden="true" />
      <span>
        {statusLabel(c)}
        {c.transport ? <span className="muted"> · {TRANSPORT_LABEL[c.transport]}</span> : null}
      </span>
    </div>
  );
}

interface Message {
  title: string;
  body: ReactNode;
  action?: 'reload';
  busy?: boolean;
}

function messageFor(c: ConnectionInfo, nowMs: number): Message | null {
  const where = c.endpoint
    ? ` at ${c.endpoint.replace(/^ws(s?):\/\//, 'http$1://').replace(/\/ws$/, '/')}`
    : '';
  switch (c.status) {
    case 'open':
      return null;
    case 'connecting':
      return {
        title: 'Connecting to Hashwatch',
        body:
          c.failedAttempts === 0
            ? `Reaching the Hashwatch host${where}.`
            : `The Hashwatch host${where} does not answer yet. Retrying automatically (${c.failedAttempts} failed ${c.failedAttempts === 1 ? 'attempt' : 'attempts'}).`,
        busy: true,
      };
    case 'reconnecting':
      return {
        title: 'Connection to Hashwatch lost',
        body:
          `Lost ${c.sinceMs === null ? '' : `${formatAge(nowMs - c.sinceMs)} ago`}. Reconnecting automatically` +
          (c.failedAttempts > 0
            ? ` (${c.failedAttempts} failed ${c.failedAttempts === 1 ? 'attempt' : 'attempts'} so far).`
            : '.') +
          ' Figures shown behind this message are the last received, not live.',
        busy: true,
      };
    case 'no-token':
      return {
        title: 'An access token is needed',
        body: (
          <>
            Open the full URL that <code>hashwatch serve</code> printed: it ends in <code>?token=…</code>.
            Without it the host refuses the connection.
          </>
        ),
        action: 'reload',
      };
    case 'refused':
      return {
        title: 'Access refused',
        body: (
          <>
            The Hashwatch host did not accept this page’s access token. Tokens change when the host restarts:
            open the new URL that <code>hashwatch serve</code> printed.
          </>
        ),
        action: 'reload',
      };
    case 'locked-out':
      return {
        title: 'Too many failed attempts',
        body: (
          <>
            The Hashwatch host has locked this device out for a minute after repeated wrong tokens. Wait, then
            open the URL that <code>hashwatch serve</code> printed.
          </>
        ),
        action: 'reload',
      };
    case 'no-host':
      return {
        title: 'Open Hashwatch from the app or its host',
        body: (
          <>
            This page was opened directly. Start the desktop app, or run <code>hashwatch serve</code> and open
            the URL it prints.
          </>
        ),
      };
  }
}

/** Full-page message over the app while the connection is not open (`data-testid="connection-overlay"`). */
export function ConnectionOverlay() {
  const c = useAppStore((s) => s.connection);
  const nowMs = useAppStore((s) => s.localNowMs);
  // A first connection normally opens within milliseconds: do not flash a message on every page load.
  const [graceOver, setGraceOver] = useState(false);
  useEffect(() => {
    const t = window.setTimeout(() => setGraceOver(true), FIRST_CONNECT_GRACE_MS);
    return () => window.clearTimeout(t);
  }, []);
  const msg = messageFor(c, nowMs);
  if (!msg) return null;
  if (c.status === 'connecting' && c.failedAttempts === 0 && !graceOver) return null;
  return (
    <div className="overlay" data-testid="connection-overlay" data-status={c.status}>
      <section className="overlay-card" role="alert" aria-live="assertive" aria-labelledby="overlay-title">
        <h1 id="overlay-title">
          {msg.busy ? <span className="spinner" aria-hidden="true" /> : null}
          {msg.title}
        </h1>
        <p>{msg.body}</p>
        {msg.action === 'reload' ? (
          <button type="button" className="button" onClick={() => window.location.reload()}>
            Try again
          </button>
        ) : null}
      </section>
    </div>
  );
}
