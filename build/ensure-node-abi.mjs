// `npm start` / `npm run dist` rebuild better-sqlite3 for Electron's ABI; tests and the headless host run on
// Node's. Before them, check the module loads under this Node and rebuild it for Node if it does not.
import { execSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
try {
  const Database = require('better-sqlite3');
  new Database(':memory:').close();
} catch (e) {
  if (!/NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(String(e))) throw e;
  console.log('better-sqlite3 was built for Electron; rebuilding it for Node', process.version);
  execSync('npm rebuild better-sqlite3', { stdio: 'inherit' });
}
