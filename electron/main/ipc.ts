/**
 * The Electron IPC adapter: one `ipcMain.handle` channel per contract method, generated from the
 * contract, plus one channel that pushes events to the window.
 *
 * It holds no logic beyond the boundary checks: the sender must be the main frame of our own window
 * showing our own origin; everything else (input validation, errors as values) is the shared dispatch.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { methodNames } from '../../shared/contract.js';
import type { Dispatch } from '../core/service/dispatch.js';
import type { EventBus } from '../core/service/events.js';
import { APP_ORIGIN } from './protocol.js';

export const CALL_CHANNEL_PREFIX = 'hashwatch:call:';
export const EVENT_CHANNEL = 'hashwatch:event';

export interface IpcAdapterOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  dispatch: Dispatch;
  bus: EventBus;
  /** The window whose frames may call; null while none is open. */
  window: () => { webContents: WebContents } | null;
}

/** True when the call comes from our window's main frame showing our app origin. */
export function isTrustedSender(event: IpcMainInvokeEvent, ownContents: WebContents | undefined): boolean {
  if (!ownContents || event.sender !== ownContents) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  try {
    // URL.origin is "null" for custom schemes outside Chromium: compare scheme and host instead.
    const url = new URL(frame.url);
    return `${url.protocol}//${url.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

export function registerIpc(opts: IpcAdapterOptions): () => void {
  for (const method of methodNames) {
    opts.ipcMain.handle(CALL_CHANNEL_PREFIX + method, (event, input: unknown) => {
      if (!isTrustedSender(event, opts.window()?.webContents)) {
        return { ok: false, error: { code: 'Forbidden', message: 'Caller is not the Hashwatch window' } };
      }
      return opts.dispatch(method, input, { role: 'operator', caller: 'ipc' });
    });
  }
  const unsubscribe = opts.bus.onAny((event, payload) => {
    const contents = opts.window()?.webContents;
    if (contents && !contents.isDestroyed()) contents.send(EVENT_CHANNEL, event, payload);
  });
  return () => {
    unsubscribe();
    for (const method of methodNames) opts.ipcMain.removeHandler(CALL_CHANNEL_PREFIX + method);
  };
}
