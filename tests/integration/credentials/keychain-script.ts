/**
 * Child process for keychain.test.ts: drives the credential store and prints one JSON line of results.
 *
 * Modes: `roundtrip` (the real keytar store, normally under dbus-run-session with gnome-keyring),
 * `no-keytar` (a keytar loader that throws) and `probe` (just the store status). The marker password
 * comes in through the environment so it never appears on a command line.
 */
import { createKeytarCredentialStore } from '../../../electron/core/credentials/keytar-store.js';
import { createScopedProvider } from '../../../electron/core/credentials/scoped-provider.js';
import { createCore } from '../../../electron/core/index.js';
import { createInProcessTransport } from '../../../electron/core/service/in-process.js';
import { createClient } from '../../../shared/contract.js';
import { HashwatchError } from '../../../shared/errors.js';

const mode = process.argv[2] ?? 'roundtrip';
const marker = process.env.HW_MARKER ?? 'marker-missing';
const service = process.env.HW_SERVICE ?? 'hashwatch';

const outcome = async <T>(fn: () => Promise<T>) => {
  try {
    return { ok: true as const, value: await fn() };
  } catch (e) {
    return {
      ok: false as const,
      code: e instanceof HashwatchError ? e.code : 'Internal',
      message: String((e as Error).message),
    };
  }
};

async function roundtrip() {
  const store = createKeytarCredentialStore({ service, timeoutMs: 10_000 });
  const provider = createScopedProvider(store, { tryFactoryPassword: () => false });
  const mac = 'aa:bb:cc:dd:ee:01';
  const out: Record<string, unknown> = {};
  out.status = await store.status();
  out.setFarm = await outcome(() => provider.set('farm', `${marker}-farm`));
  out.setRange = await outcome(() => provider.set('range:127.0.8.0/22', `${marker}-range`));
  out.setMiner = await outcome(() => provider.set(`miner:${mac.toUpperCase()}`, `${marker}-miner`));
  out.list = (await store.list()).sort();
  out.resolved = {
    miner: await provider.passwordFor({ address: '127.0.9.1', mac }),
    range: await provider.passwordFor({ address: '127.0.9.1:80', mac: null }),
    farm: await provider.passwordFor({ address: '127.0.12.1', mac: null }),
  };
  out.replace = await outcome(() => provider.set('farm', `${marker}-farm2`));
  out.farmAfterReplace = await store.get('farm');
  out.deleteMiner = await provider.delete(`miner:${mac}`);
  out.deleteAgain = await provider.delete(`miner:${mac}`);
  out.afterDelete = await provider.passwordFor({ address: '127.0.9.1', mac });
  out.listAfterDelete = (await store.list()).sort();
  // A fresh store (another process, a restart) sees what was stored: it is in the keychain, not in memory.
  const fresh = createKeytarCredentialStore({ service, timeoutMs: 10_000 });
  out.freshList = (await fresh.list()).sort();
  for (const k of await fresh.list()) await fresh.delete(k);
  out.finalList = await fresh.list();
  return out;
}

async function noKeytar() {
  const store = createKeytarCredentialStore({
    service,
    loadKeytar: () => Promise.reject(new Error('Cannot find module keytar')),
  });
  const core = await createCore({
    dataDir: process.cwd(),
    version: 'test',
    host: 'headless',
    credentialStore: store,
  });
  const api = createClient(createInProcessTransport(core.dispatch, core.bus));
  const out = {
    set: await api.call('credentials.set', { scope: 'farm', password: marker }),
    setMiner: await api.call('credentials.set', { scope: 'miner:aa:bb:cc:dd:ee:01', password: marker }),
    del: await api.call('credentials.delete', { scope: 'farm' }),
    list: await api.call('credentials.list', {}),
    direct: await outcome(() => store.set('range:10.0.0.0/8', marker)),
  };
  await core.close();
  return out;
}

async function probe() {
  const store = createKeytarCredentialStore({ service, timeoutMs: 5000 });
  return { status: await store.status(), set: await outcome(() => store.set('farm', marker)) };
}

const run = mode === 'no-keytar' ? noKeytar : mode === 'probe' ? probe : roundtrip;
run().then(
  (out) => {
    process.stdout.write(`${JSON.stringify(out)}\n`);
    process.exit(0);
  },
  (e: unknown) => {
    process.stdout.write(`${JSON.stringify({ crashed: String((e as Error)?.message ?? e) })}\n`);
    process.exit(1);
  },
);
