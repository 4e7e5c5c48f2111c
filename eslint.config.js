// ESLint flat config. The import table of ../shared/ARCHITECTURE.md is enforced here, per folder,
// with `no-restricted-imports`; tests/unit/lint-rules.test.ts proves that the rules bite.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
// Exact module names only: a gitignore-style pattern such as `domain/*` would also match a relative
// `../domain/x.js`, so built-ins are matched by a regex anchored at the start of the specifier.
const noNode = [
  {
    regex: `^(node:.*|(${nodeBuiltins.map(escape).join('|')})(/.*)?)$`,
    message: 'Node built-ins are not available here (see ARCHITECTURE.md).',
  },
];
const noElectron = {
  group: ['electron', 'electron/*'],
  message: 'Only electron/main and electron/preload may import electron.',
};
const up = (folders, message) => ({ regex: `^(\\.\\./)+(${folders})(/|$)`, message });
const rule = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'release/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports (ARCHITECTURE.md conventions).' },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: rule([
      ...noNode,
      noElectron,
      {
        group: ['react', 'react-dom', 'react/*', 'zustand', 'undici', 'ws', 'better-sqlite3'],
        message: 'shared/ imports only zod and itself.',
      },
      up('electron|renderer', 'shared/ imports only zod and itself.'),
    ]),
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: rule([
      noElectron,
      up('main|sim|cli|preload', 'electron/core must not import the shell, the simulator or the CLI.'),
      up('renderer', 'electron/core must not import the renderer.'),
      { group: ['react', 'react-dom', 'zustand'], message: 'UI libraries belong to renderer/.' },
    ]),
  },
  {
    files: ['electron/sim/**/*.ts'],
    rules: rule([
      noElectron,
      up(
        'core|main|cli|preload',
        'The simulator is an independent implementation of the vendor spec: it must not import electron/core (or the shell).',
      ),
      up('shared|renderer', 'The simulator is independent of the product: no shared/ or renderer/ imports.'),
    ]),
  },
  {
    files: ['electron/main/**/*.ts'],
    rules: rule([
      up('cli|preload', 'electron/main must not import the CLI or the preload.'),
      up('renderer', 'electron/main must not import the renderer.'),
    ]),
  },
  {
    files: ['electron/cli/**/*.ts'],
    rules: rule([
      noElectron,
      up('main|preload', 'The CLI must run without Electron.'),
      up('renderer', 'The CLI must not import the renderer.'),
    ]),
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: rule([
      ...noNode,
      up('core|sim|main|cli', 'The preload exposes the contract only.'),
      up('renderer', 'The preload exposes the contract only.'),
    ]),
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: rule([
      ...noNode,
      noElectron,
      up('electron', 'The renderer talks to the core only through the contract.'),
    ]),
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['*.config.{js,ts}', 'eslint.config.js', 'build/**', 'tests/**/*.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
