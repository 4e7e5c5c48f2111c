/**
 * The import rules of ARCHITECTURE.md are enforced by ESLint: planting a forbidden import in a real
 * file of each guarded folder makes `eslint` fail.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const planted: string[] = [];

afterEach(() => {
  for (const f of planted.splice(0)) fs.rmSync(f, { force: true });
});

async function lintPlanted(rel: string, code: string): Promise<{ code: number; output: string }> {
  const file = path.join(root, rel);
  planted.push(file);
  fs.writeFileSync(file, code);
  try {
    const { stdout } = await run(
      process.execPath,
      [path.join(root, 'node_modules/eslint/bin/eslint.js'), '--max-warnings', '0', rel],
      {
        cwd: root,
      },
    );
    return { code: 0, output: stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, output: err.stdout };
  }
}

describe('import rules', () => {
  it('fail when electron/core imports electron', async () => {
    const r = await lintPlanted(
      'electron/core/zz-planted-lint.ts',
      "import { app } from 'electron';\nexport const x = app;\n",
    );
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/no-restricted-imports/);
    expect(r.output).toMatch(/Only electron\/main and electron\/preload may import electron/);
  });

  it('fail when the renderer imports node:fs', async () => {
    const r = await lintPlanted(
      'renderer/zz-planted-lint.ts',
      "import fs from 'node:fs';\nexport const x = fs;\n",
    );
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/Node built-ins are not available here/);
  });

  it('fail when the simulator imports the core, or shared/ imports node', async () => {
    const sim = await lintPlanted(
      'electron/sim/zz-planted-lint.ts',
      "import { createCore } from '../core/index.js';\nexport const x = createCore;\n",
    );
    expect(sim.code).toBe(1);
    expect(sim.output).toMatch(/independent implementation/);
    const shared = await lintPlanted(
      'shared/zz-planted-lint.ts',
      "import os from 'os';\nexport const x = os;\n",
    );
    expect(shared.code).toBe(1);
  });

  it('pass for an allowed import (the rules do not just fail everything)', async () => {
    const r = await lintPlanted(
      'electron/core/zz-planted-lint.ts',
      "import fs from 'node:fs';\nimport { ok } from '../../shared/errors.js';\nexport const x = [fs, ok];\n",
    );
    expect(r.code).toBe(0);
  });
});
