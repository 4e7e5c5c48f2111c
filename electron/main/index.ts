/**
 * Electron entry point: the desktop composition root. Everything else lives in shell.ts (testable
 * with a fake electron) and in the core.
 */
import * as electron from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tuneHeap } from '../core/heap.js';
import { startShell } from './shell.js';

// The core polls the farm in this process: its heap settings (core/heap.ts; the launch flags come
// from `npm start` / `npm run demo`).
tuneHeap();
// Bundled to dist/main/index.js: dist/ holds renderer/ and preload/ beside it.
const distDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
startShell(electron, { distDir });
