/**
 * `app.*` methods: what this installation is and what it can do here.
 */
import type { AppInfo } from '../../../shared/contract.js';
import type { Handlers } from './dispatch.js';

export interface AppServiceDeps {
  info: Omit<AppInfo, 'tfBackend' | 'keychain'>;
  tfBackend: () => Promise<AppInfo['tfBackend']>;
  keychain: () => Promise<AppInfo['keychain']>;
}

export function appService(deps: AppServiceDeps): Pick<Handlers, 'app.info'> {
  return {
    'app.info': async () => ({
      ...deps.info,
      tfBackend: await deps.tfBackend(),
      keychain: await deps.keychain(),
    }),
  };
}
