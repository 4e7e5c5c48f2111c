/**
 * Finds the built renderer (dist/renderer) from wherever this code runs: the bundled CLI in dist/cli,
 * the Electron main bundle in dist/main, or the TypeScript sources under tsx.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function locateRendererDir(from: string = fileURLToPath(import.meta.url)): string | null {
  let dir = path.dirname(from);
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'dist', 'renderer');
    if (fs.existsSync(path.join(candidate, 'index.html'))) return candidate;
    const sibling = path.join(dir, 'renderer');
    if (path.basename(dir) === 'dist' && fs.existsSync(path.join(sibling, 'index.html'))) return sibling;
    dir = path.dirname(dir);
  }
  return null;
}
