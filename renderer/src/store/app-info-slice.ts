/**
 * App info slice: what this installation is (`app.info`), shown on Settings and in the frame.
 */
import type { AppInfo } from '../../../shared/contract.js';
import type { AppError } from '../../../shared/errors.js';
import type { SliceCreator } from './types.js';

/** The app info slice. */
export interface AppInfoSlice {
  appInfo: AppInfo | null;
  appInfoError: AppError | null;
  setAppInfo(info: AppInfo): void;
  setAppInfoError(error: AppError): void;
}

/** Empty until `app.info` answers. */
export const createAppInfoSlice: SliceCreator<AppInfoSlice> = (set) => ({
  appInfo: null,
  appInfoError: null,
  setAppInfo(info) {
    set({ appInfo: info, appInfoError: null });
  },
  setAppInfoError(error) {
    set({ appInfoError: error });
  },
});
