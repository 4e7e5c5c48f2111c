// Bundles the Node-side entry points with esbuild: the Electron main process (ESM), the preload
// (CommonJS, self-contained: a sandboxed preload may only require 'electron'), and the CLI.
// Libraries stay external for main and CLI so native modules load from node_modules.
import { build } from 'esbuild';
import { readFileSync, statSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const define = { __HASHWATCH_VERSION__: JSON.stringify(pkg.version) };
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  define,
  logLevel: 'warning',
};

// `--bench`: the benchmarks that measure the core as it ships (bundled, no TypeScript loader in the
// process: tsx alone adds ~40 MB of RSS), instead of the app.
const benches = ['poll', 'poll-sim'].map((name) => ({
  entryPoints: [`tests/bench/${name}.ts`],
  outfile: `dist/bench/${name}.js`,
  format: 'esm',
  packages: 'external',
}));

const apps = [
  {
    entryPoints: ['electron/main/index.ts'],
    outfile: 'dist/main/index.js',
    format: 'esm',
    packages: 'external',
  },
  {
    entryPoints: ['electron/preload/index.ts'],
    outfile: 'dist/preload/index.cjs',
    format: 'cjs',
    external: ['electron'],
  },
  {
    entryPoints: ['electron/cli/hashwatch.ts'],
    outfile: 'dist/cli/hashwatch.js',
    format: 'esm',
    packages: 'external', // the entry's own #! line is kept by esbuild
  },
];

const targets = process.argv.includes('--bench') ? benches : apps;
await Promise.all(targets.map((t) => build({ ...common, ...t })));
for (const t of targets) {
  console.log(`${t.outfile.padEnd(24)} ${(statSync(t.outfile).size / 1024).toFixed(1)} KiB`);
}
