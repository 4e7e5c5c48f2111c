import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../../shared/contract.js';
import { createCore } from '../../../electron/core/index.js';
import { createInProcessTransport } from '../../../electron/core/service/in-process.js';
import { createMemoryCredentialStore } from '../../../electron/core/credentials/store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function open(dataDir: string) {
  const core = await createCore({
    dataDir,
    version: 'test',
    host: 'test',
    credentialStore: createMemoryCredentialStore(),
    fleet: { autoStart: false },
  });
  return { core, api: createClient(createInProcessTransport(core.dispatch, core.bus)) };
}

describe('credential settings with a database', () => {
  it('remember "try the factory password" across restarts, and the database never holds a password', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-cred-settings-'));
    dirs.push(dir);
    const marker = 'Db-leak-marker-5521';

    const first = await open(dir);
    expect(await first.api.call('credentials.settings.get', {})).toEqual({
      ok: true,
      value: { tryFactoryPassword: false },
    });
    expect(await first.api.call('credentials.settings.set', { tryFactoryPassword: true })).toEqual({
      ok: true,
      value: { tryFactoryPassword: true },
    });
    expect(await first.api.call('credentials.set', { scope: 'farm', password: marker })).toMatchObject({
      ok: true,
    });
    await first.core.close();

    const second = await open(dir);
    expect(await second.api.call('credentials.settings.get', {})).toEqual({
      ok: true,
      value: { tryFactoryPassword: true },
    });
    expect(second.core.credentials.tryFactoryPassword()).toBe(true);
    await second.core.close();

    const files = fs.readdirSync(dir);
    expect(files.some((f) => f.endsWith('.db'))).toBe(true);
    for (const f of files) expect(fs.readFileSync(path.join(dir, f)).includes(marker)).toBe(false);
  });
});
