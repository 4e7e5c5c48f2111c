/// <reference types="vite/client" />
/**
 * Globals the renderer may find: the Electron preload's bridge (absent in a browser).
 */
import type { HashwatchApi } from '../../shared/contract.js';

declare global {
  interface Window {
    hashwatch?: HashwatchApi;
  }
}
