/**
 * Where Hashwatch keeps its data: the OS app-data folder, the same one Electron's `userData` uses,
 * so the desktop app and the headless host share one database.
 */
import path from 'node:path';

export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = env.HOME ?? env.USERPROFILE ?? '.',
): string {
  if (env.HASHWATCH_DATA_DIR) return env.HASHWATCH_DATA_DIR;
  if (platform === 'win32')
    return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Hashwatch');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Hashwatch');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Hashwatch');
}
