/**
 * Host access tokens that survive a restart, for a farm that bookmarks its dashboard URL.
 *
 * By default every `serve` start makes new tokens. Pinning stores them in the OS keychain (never in a
 * file); unpinning deletes them so the next start rotates again.
 */
import type { KeychainSecrets } from '../credentials/keytar-store.js';
import { generateTokens, type HostTokens } from './auth.js';

const ACCOUNTS = { operator: 'host-token:operator', viewer: 'host-token:viewer' } as const;

/** The tokens to serve with: the pinned ones when asked and present, else new ones (then pinned if asked). */
export async function resolveHostTokens(
  secrets: KeychainSecrets,
  opts: { pin: boolean },
): Promise<{ tokens: HostTokens; pinned: boolean }> {
  if (!opts.pin) return { tokens: generateTokens(), pinned: false };
  const [operator, viewer] = await Promise.all([
    secrets.get(ACCOUNTS.operator),
    secrets.get(ACCOUNTS.viewer),
  ]);
  if (operator && viewer) return { tokens: { operator, viewer }, pinned: true };
  const tokens = generateTokens();
  await secrets.set(ACCOUNTS.operator, tokens.operator);
  await secrets.set(ACCOUNTS.viewer, tokens.viewer);
  return { tokens, pinned: true };
}

/** Forgets pinned tokens; true when there were any. */
export async function unpinHostTokens(secrets: KeychainSecrets): Promise<boolean> {
  const removed = await Promise.all([secrets.delete(ACCOUNTS.operator), secrets.delete(ACCOUNTS.viewer)]);
  return removed.some(Boolean);
}
