/**
 * `credentials.*` methods: scopes in the keychain, testing and changing miner web passwords.
 *
 * No handler returns a password, and every message built here goes through the secret filter in
 * credentials/miner-ops.ts. Miner ids and addresses are resolved through the inventory.
 */
import { AddressInputSchema } from '../../../shared/api/credentials.js';
import { HashwatchError } from '../../../shared/errors.js';
import { normaliseMac, type MinerRecord } from '../../../shared/miner.js';
import {
  changePasswords,
  testCredentials,
  type ResolvedTarget,
  type VnishClientFactory,
} from '../credentials/miner-ops.js';
import { safeMessage } from '../credentials/redact.js';
import type { ScopedCredentials } from '../credentials/scoped-provider.js';
import type { CredentialSettings } from '../credentials/settings.js';
import type { Inventory } from '../fleet/inventory.js';
import type { Handlers } from './dispatch.js';

export interface CredentialsServiceDeps {
  credentials: ScopedCredentials;
  credentialSettings: CredentialSettings;
  inventory: Inventory;
  /** Builds a vnish client over a given provider; absent until the vnish client is wired in. */
  vnishClientFor?: VnishClientFactory;
}

type CredentialMethods =
  | 'credentials.set'
  | 'credentials.delete'
  | 'credentials.list'
  | 'credentials.test'
  | 'credentials.changePassword'
  | 'credentials.settings.get'
  | 'credentials.settings.set';

/** Finds miners by inventory id, MAC in any notation, `addr:<address>`, or plain address. */
function targetResolver(inventory: Inventory): (target: string) => ResolvedTarget | null {
  let byAddress: Map<string, MinerRecord> | null = null;
  return (target) => {
    const mac = normaliseMac(target);
    const record =
      inventory.get(target) ??
      (mac && /^[0-9a-fA-F]{2}([:-]?[0-9a-fA-F]{2}){5}$/.test(target) ? inventory.get(mac) : undefined) ??
      (byAddress ??= new Map(inventory.list().map((r) => [r.address, r]))).get(target);
    if (record) return { target, minerId: record.id, address: record.address, mac: record.mac };
    const address = target.startsWith('addr:') ? target.slice(5) : target;
    if (AddressInputSchema.safeParse(address).success) return { target, minerId: null, address, mac: null };
    return null;
  };
}

export function credentialsService(deps: CredentialsServiceDeps): Pick<Handlers, CredentialMethods> {
  const clientFor = (): VnishClientFactory => {
    if (!deps.vnishClientFor) {
      throw new HashwatchError('Unavailable', 'The miner client is not available in this host.');
    }
    return deps.vnishClientFor;
  };

  return {
    'credentials.set': async ({ scope, password }) => ({
      scope: await deps.credentials.set(scope, password),
    }),
    'credentials.delete': async ({ scope }) => deps.credentials.delete(scope),
    'credentials.list': async () => {
      const keychain = await deps.credentials.status();
      if (!keychain.available) return { scopes: [], keychain };
      const scopes = await deps.credentials.scopes();
      return { scopes: scopes.map((s) => ({ scope: s.key, kind: s.kind })), keychain };
    },
    'credentials.test': async ({ minerId, address }) => {
      const wanted = (minerId ?? address)!;
      const target = targetResolver(deps.inventory)(wanted);
      if (!target || (minerId !== undefined && target.minerId === null)) {
        throw new HashwatchError('NotFound', `No miner with id ${wanted.slice(0, 200)}`);
      }
      const outcome = await testCredentials(target, deps.credentials, clientFor());
      return { ...outcome, minerId: target.minerId, address: target.address };
    },
    'credentials.changePassword': async ({ targets, current, newPassword }) => {
      const factory = clientFor();
      const resolve = targetResolver(deps.inventory);
      const seen = new Set<string>();
      const resolved: ResolvedTarget[] = [];
      const notFound: string[] = [];
      const secrets = [current, newPassword];
      for (const t of targets) {
        // A password pasted into the target list is neither dialled as a host name nor sent back.
        const r = safeMessage(t, secrets, '') === t ? resolve(t) : null;
        if (!r) notFound.push(t);
        else if (!seen.has(r.address)) {
          // Changing one miner twice would fail the second time (its current password has moved on).
          seen.add(r.address);
          resolved.push(r);
        }
      }
      const results = await changePasswords(
        resolved,
        current === undefined ? { newPassword } : { newPassword, current },
        deps.credentials,
        factory,
      );
      for (const t of notFound) {
        results.push({
          // A password pasted into the wrong box must not come back in the answer.
          target: safeMessage(t.slice(0, 200), secrets, '[withheld]'),
          minerId: null,
          address: null,
          status: 'not-found',
          scope: null,
          code: 'NotFound',
          message: 'No miner with this id or address.',
        });
      }
      const changed = results.filter((r) => r.status === 'changed').length;
      return { results, changed, failed: results.length - changed };
    },
    'credentials.settings.get': () => ({ tryFactoryPassword: deps.credentialSettings.tryFactoryPassword() }),
    'credentials.settings.set': ({ tryFactoryPassword }) => {
      deps.credentialSettings.setTryFactoryPassword(tryFactoryPassword);
      return { tryFactoryPassword: deps.credentialSettings.tryFactoryPassword() };
    },
  };
}
