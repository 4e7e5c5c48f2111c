/**
 * Tells whether the OS keychain answers here, so `app.info` and the UI can say so plainly.
 *
 * keytar is an optional dependency. When it is missing or no Secret Service answers, Hashwatch keeps
 * no passwords at all rather than falling back to plaintext.
 */
import type { AppInfo } from '../../../shared/contract.js';

export type KeychainInfo = AppInfo['keychain'];

const HOW_TO: Record<string, string> = {
  linux:
    'Install and unlock a Secret Service keychain (GNOME Keyring or KWallet; packages gnome-keyring and libsecret-1-0), then restart Hashwatch.',
  darwin: 'Unlock the login keychain in Keychain Access, then restart Hashwatch.',
  win32:
    'Windows Credential Manager did not answer; sign in to a normal Windows user session and restart Hashwatch.',
};

/** What the technician should install or unlock on this platform for passwords to be storable. */
export function keychainHowTo(platform: string = process.platform): string {
  return HOW_TO[platform] ?? HOW_TO.linux!;
}

/** The keychain's name on this platform, as shown to the technician. */
export function keychainBackendName(platform: string = process.platform): string {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service (libsecret)';
}

/**
 * What `app.info` says about the credential store in use: asked of the store itself (so a demo's
 * in-memory store is reported as such), and asked again after a while so a keychain unlocked later shows.
 */
export function keychainReporter(
  store: { status(): Promise<{ available: boolean; message: string }> },
  backend: string,
  opts: { cacheMs?: number; now?: () => number } = {},
): () => Promise<KeychainInfo> {
  const cacheMs = opts.cacheMs ?? 30_000;
  const now = opts.now ?? Date.now;
  let cached: { at: number; info: Promise<KeychainInfo> } | null = null;
  return () => {
    if (!cached || now() - cached.at > cacheMs) {
      cached = {
        at: now(),
        info: store.status().then((s) => ({ available: s.available, backend, message: s.message })),
      };
    }
    return cached.info;
  };
}
