/**
 * The app version, injected at bundle time from package.json (falls back for tsx runs).
 */
declare const __HASHWATCH_VERSION__: string | undefined;

export const APP_VERSION: string =
  typeof __HASHWATCH_VERSION__ === 'string'
    ? __HASHWATCH_VERSION__
    : (process.env.npm_package_version ?? '0.0.0-dev');
