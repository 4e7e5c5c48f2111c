/**
 * The preload: exposes exactly `window.hashwatch` with `call` and `on`, typed from the contract.
 *
 * It runs sandboxed, so it is bundled self-contained and imports nothing but `electron`. It forwards;
 * the core validates.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { HashwatchApi } from '../../shared/contract.js';
import { CALL_CHANNEL_PREFIX, EVENT_CHANNEL } from './channels.js';

export const api: HashwatchApi = {
  async call(method, input) {
    if (typeof method !== 'string') {
      return { ok: false, error: { code: 'ValidationError', message: 'method must be a string' } };
    }
    try {
      return await ipcRenderer.invoke(CALL_CHANNEL_PREFIX + method, input);
    } catch {
      // No handler for that channel: the method is not part of the contract.
      return {
        ok: false,
        error: { code: 'UnknownMethod', message: `Unknown method: ${method.slice(0, 100)}` },
      };
    }
  },
  on(event, handler) {
    const listener = (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (name === event) (handler as (p: unknown) => void)(payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, listener);
    };
  },
};

contextBridge.exposeInMainWorld('hashwatch', api);
