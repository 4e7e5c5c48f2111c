/**
 * A tiny stand-in for the vnish client over a table of fake miners, for the credential service tests.
 *
 * It follows the client's contract (authCheck / updateSettings through a CredentialProvider, errors as
 * HashwatchError codes) and records every password a miner was sent, so tests can check what went where.
 */
import { HashwatchError } from '../../../shared/errors.js';
import type { CredentialProvider } from '../../../electron/core/credentials/provider.js';
import type { VnishAuthClient, VnishClientFactory } from '../../../electron/core/credentials/miner-ops.js';

export interface FakeMiner {
  mac: string | null;
  password: string;
  reachable?: boolean;
  /** The miner answers 200 to a password change but keeps the old password. */
  ignoresChange?: boolean;
  /** The miner answers 500 to a password change, quoting the body in its error text. */
  failsChange?: boolean;
}

export function fakeFarm(miners: Record<string, FakeMiner>) {
  const sent: Array<{ address: string; password: string }> = [];
  let clientsBuilt = 0;
  const dialled: string[] = [];
  const miner = (address: string) => {
    dialled.push(address);
    const m = miners[address];
    if (!m || m.reachable === false) throw new HashwatchError('Unreachable', `No answer from ${address}`);
    return m;
  };
  const unlock = async (address: string, provider: CredentialProvider): Promise<'ok' | 'wrong' | 'none'> => {
    const m = miner(address);
    const pw =
      (await provider.passwordFor({ address, mac: m.mac })) ??
      (provider.tryFactoryPassword() ? 'admin' : null);
    if (pw === null) return 'none';
    sent.push({ address, password: pw });
    return pw === m.password ? 'ok' : 'wrong';
  };
  const clientFor: VnishClientFactory = (provider): VnishAuthClient => {
    clientsBuilt++;
    return {
      authCheck: (address) => unlock(address, provider),
      async updateSettings(address, partial) {
        const r = await unlock(address, provider);
        if (r === 'none') throw new HashwatchError('AuthFailed', `No password for ${address}`);
        if (r === 'wrong') throw new HashwatchError('AuthFailed', `Wrong password for ${address}`);
        const m = miner(address);
        const change = partial.password as { current: string; pw: string } | undefined;
        if (change) {
          if (m.failsChange) {
            throw new HashwatchError('FirmwareError', `POST /settings failed: ${JSON.stringify(partial)}`);
          }
          if (change.current !== m.password)
            throw new HashwatchError('FirmwareError', 'wrong current password');
          if (!m.ignoresChange) m.password = change.pw;
        }
        return { restart_required: false, reboot_required: false };
      },
    };
  };
  return { miners, sent, dialled, clientFor, clientsBuilt: () => clientsBuilt };
}
