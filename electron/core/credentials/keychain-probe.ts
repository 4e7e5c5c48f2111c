/**
 * Tells whether an OS keychain answers here, so `app.info` and the UI can say so plainly.
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

export async function probeKeychain(timeoutMs = 3000): Promise<KeychainInfo> {
  const backend =
    process.platform === 'darwin'
      ? 'macOS Keychain'
      : process.platform === 'win32'
        ? 'Windows Credential Manager'
        : 'Secret Service (libsecret)';
  const howTo = keychainHowTo();
  let keytar: { findCredentials(service: string): Promise<unknown[]> };
  try {
    const mod = (await import('keytar' as string)) as { default?: typeof keytar } & typeof keytar;
    keytar = mod.default ?? mod;
  } catch {
    return {
      available: false,
      backend,
      message: `The keychain module (keytar) is not installed. Passwords cannot be stored. ${howTo}`,
    };
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      keytar.findCredentials('hashwatch'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return { available: true, backend, message: 'Passwords are stored in the OS keychain.' };
  } catch {
    return {
      available: false,
      backend,
      message: `No keychain answered. Passwords cannot be stored until one does. ${howTo}`,
    };
  } finally {
    clearTimeout(timer);
  }
}
