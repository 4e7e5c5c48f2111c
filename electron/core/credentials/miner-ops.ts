/**
 * What the credential service does on miners: test a stored password, and change the web password on a
 * selection of miners, storing the new one only where the miner verifiably took it.
 *
 * Both build a fresh vnish client per operation (through `clientFor`), so a token cached by the polling
 * client can never make a wrong password look right, and an explicit `current` password is used as given.
 */
import type {
  ChangePasswordResult,
  ChangePasswordStatus,
  CredentialTestResult,
} from '../../../shared/api/credentials.js';
import { HashwatchError } from '../../../shared/errors.js';
import type { CredentialProvider, MinerTarget } from './provider.js';
import { safeMessage } from './redact.js';
import { hostOf, ipv4ToInt, minerScopeKey } from './scope.js';
import type { ScopedCredentials } from './scoped-provider.js';

/** The part of the vnish client these operations use (see electron/core/vnish). */
export interface VnishAuthClient {
  /** Unlocks with the provider's password: `ok`, `wrong`, or `none` when there is no password to try. */
  authCheck(address: string, opts?: { mac?: string | null }): Promise<'ok' | 'wrong' | 'none'>;
  /** `POST /settings` with a partial body. */
  updateSettings(
    address: string,
    partial: Record<string, unknown>,
    opts?: { mac?: string | null },
  ): Promise<unknown>;
  close?(): void | Promise<void>;
}

/** Builds a vnish client that authenticates through the given provider, with its own token cache. */
export type VnishClientFactory = (credentials: CredentialProvider) => VnishAuthClient;

/** A miner an operation acts on. */
export interface ResolvedTarget extends MinerTarget {
  /** What the caller asked for (id or address). */
  target: string;
  minerId: string | null;
}

/** The factory default web password of vnish firmware. */
export const FACTORY_PASSWORD = 'admin';

const UNREACHABLE_CODES = new Set(['Unreachable', 'Timeout']);

function fixedProvider(password: string): CredentialProvider {
  return { passwordFor: async () => password, tryFactoryPassword: () => false };
}

async function closeQuietly(client: VnishAuthClient): Promise<void> {
  try {
    await client.close?.();
  } catch {
    // Closing a pool of idle sockets cannot fail in a way the technician can act on.
  }
}

function codeOf(e: unknown): string {
  return e instanceof HashwatchError ? e.code : 'Internal';
}

/** A HashwatchError's message with every secret kept out; anything else becomes a fixed text. */
function messageOf(e: unknown, secrets: Array<string | null | undefined>): string {
  if (!(e instanceof HashwatchError)) return 'Internal error';
  return safeMessage(
    e.message,
    secrets,
    `${e.code}: the miner's message is withheld because it quoted a password`,
  );
}

export interface TestOutcome {
  result: CredentialTestResult;
  /** The scope whose password was tried, `factory`, or null. */
  source: string | null;
  message: string;
}

/** Tries the password Hashwatch would use for one miner, and says what happened. */
export async function testCredentials(
  target: MinerTarget,
  credentials: ScopedCredentials,
  clientFor: VnishClientFactory,
): Promise<TestOutcome> {
  const scope = await credentials.resolveScope(target);
  const source = scope?.key ?? (credentials.tryFactoryPassword() ? 'factory' : null);
  const described = scope ? `The password stored for ${scope.key}` : 'The factory password';
  // Only to keep it out of messages: the password this test is about to send.
  const secrets = [await credentials.passwordFor(target).catch(() => null)];
  const client = clientFor(credentials);
  try {
    const r = await client.authCheck(target.address, { mac: target.mac });
    if (r === 'ok') return { result: 'ok', source, message: `${described} unlocks the miner.` };
    if (r === 'wrong') return { result: 'wrong', source, message: `${described} was refused by the miner.` };
    return {
      result: 'no-password',
      source: null,
      message:
        'No password is stored for this miner (by MAC, address range or farm default), and trying the factory password is off.',
    };
  } catch (e) {
    const code = codeOf(e);
    if (UNREACHABLE_CODES.has(code)) return { result: 'unreachable', source, message: messageOf(e, secrets) };
    if (code === 'AuthFailed') {
      return { result: 'wrong', source, message: `${described} was refused by the miner.` };
    }
    if (e instanceof HashwatchError) throw new HashwatchError(e.code, messageOf(e, secrets));
    // An unexpected error goes to the log as it is; its text might quote what was just sent.
    throw new HashwatchError('Internal', 'Testing the password failed unexpectedly');
  } finally {
    await closeQuietly(client);
  }
}

export interface ChangePasswordOptions {
  newPassword: string;
  /** Used for every target when given; else each miner's stored password (or the factory one if allowed). */
  current?: string;
  /** How many miners are changed at once. */
  concurrency?: number;
}

/** The keychain scope a changed miner's password goes to: its MAC, else its IPv4 address as a /32. */
export function storageScopeFor(target: MinerTarget): string | null {
  if (target.mac) {
    try {
      return minerScopeKey(target.mac);
    } catch {
      // Fall through to the address: a malformed MAC must not block storing the new password.
    }
  }
  const ip = ipv4ToInt(hostOf(target.address));
  return ip === null ? null : `range:${hostOf(target.address)}/32`;
}

async function changeOne(
  t: ResolvedTarget,
  opts: ChangePasswordOptions,
  credentials: ScopedCredentials,
  clientFor: VnishClientFactory,
): Promise<ChangePasswordResult> {
  const base = { target: t.target, minerId: t.minerId, address: t.address };
  const result = (
    status: ChangePasswordStatus,
    message: string,
    extra: { scope?: string | null; code?: string | null } = {},
  ): ChangePasswordResult => ({
    ...base,
    status,
    message,
    scope: extra.scope ?? null,
    code: extra.code ?? null,
  });

  let current = opts.current ?? null;
  if (current === null) {
    try {
      current =
        (await credentials.passwordFor(t)) ?? (credentials.tryFactoryPassword() ? FACTORY_PASSWORD : null);
    } catch (e) {
      return result('failed', messageOf(e, [opts.newPassword]), { code: codeOf(e) });
    }
  }
  if (current === null) {
    return result(
      'no-password',
      'No current password: none is stored for this miner, none was given, and trying the factory password is off.',
    );
  }
  const secrets = [current, opts.newPassword];

  const oldClient = clientFor(fixedProvider(current));
  try {
    await oldClient.updateSettings(
      t.address,
      { password: { current, pw: opts.newPassword } },
      { mac: t.mac },
    );
  } catch (e) {
    const code = codeOf(e);
    if (code === 'AuthFailed') {
      return result('wrong-password', 'The current password was refused by the miner; nothing was changed.', {
        code,
      });
    }
    if (UNREACHABLE_CODES.has(code)) return result('unreachable', messageOf(e, secrets), { code });
    return result('failed', messageOf(e, secrets), { code });
  } finally {
    await closeQuietly(oldClient);
  }

  const newClient = clientFor(fixedProvider(opts.newPassword));
  let verified: 'ok' | 'wrong' | 'none' | 'error' = 'error';
  let verifyError: unknown = null;
  try {
    verified = await newClient.authCheck(t.address, { mac: t.mac });
  } catch (e) {
    verifyError = e;
  } finally {
    await closeQuietly(newClient);
  }
  if (verified !== 'ok') {
    const why = verifyError
      ? messageOf(verifyError, secrets)
      : 'the miner refused the new password when unlocking';
    return result(
      'unverified',
      `The miner accepted the change, but unlocking with the new password failed (${why}); the keychain was not changed.`,
      { code: verifyError ? codeOf(verifyError) : 'AuthFailed' },
    );
  }

  const scope = storageScopeFor(t);
  if (!scope) {
    return result(
      'not-stored',
      'The password was changed and verified, but this miner has no MAC or IPv4 address to store it under; store it for a scope by hand.',
    );
  }
  try {
    const key = await credentials.set(scope, opts.newPassword);
    return result('changed', `Password changed, verified, and stored for ${key}.`, { scope: key });
  } catch (e) {
    return result(
      'not-stored',
      `The password was changed and verified on the miner, but the keychain refused it (${messageOf(e, secrets)}); store it for ${scope} by hand now.`,
      { code: codeOf(e), scope: null },
    );
  }
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping the input order in the output. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/**
 * Changes the web password on each miner and stores the new one (miner scope) only where the change
 * succeeded and the new password then unlocked the miner. Refuses to start without a keychain, so no
 * miner ends up with a password Hashwatch cannot keep.
 */
export async function changePasswords(
  targets: readonly ResolvedTarget[],
  opts: ChangePasswordOptions,
  credentials: ScopedCredentials,
  clientFor: VnishClientFactory,
): Promise<ChangePasswordResult[]> {
  const status = await credentials.status();
  if (!status.available) throw new HashwatchError('KeychainUnavailable', status.message);
  return mapLimit(targets, opts.concurrency ?? 8, (t) => changeOne(t, opts, credentials, clientFor));
}
