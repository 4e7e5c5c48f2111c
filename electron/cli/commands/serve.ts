/**
 * `hashwatch serve`: the core behind the headless host, for a browser on this machine (or, opt-in,
 * the farm's LAN). Prints the URL with the access token; Ctrl-C closes sockets and the database.
 */
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import { createCore } from '../../core/index.js';
import { tuneHeap } from '../../core/heap.js';
import { resolveHostTokens, unpinHostTokens } from '../../core/host/pinned-tokens.js';
import { createKeychainSecrets } from '../../core/credentials/keytar-store.js';
import { isLoopbackHost, startHost } from '../../core/host/server.js';
import { locateRendererDir } from '../../core/host/locate.js';
import { createMetrics } from '../../core/host/metrics.js';
import { defaultDataDir } from '../../core/paths.js';
import { createMemoryCredentialStore } from '../../core/credentials/store.js';
import { startDemoFarm } from '../../sim/demo.js';
import { APP_VERSION } from '../version.js';

export interface ServeIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

const HELP = `usage: hashwatch serve [--port N] [--host ADDR --allow-remote] [--data-dir DIR] [--demo]

  --port N          port to listen on (default: a free port)
  --host ADDR       address to listen on (default 127.0.0.1); anything but loopback
                    also needs --allow-remote and exposes the dashboard to your network
  --allow-remote    confirm that a non-loopback --host is intended
  --data-dir DIR    where the database and logs live (default: the OS app-data folder)
  --static DIR      serve this built renderer instead of dist/renderer
  --demo            run an embedded simulated demo farm
  --pin-token       keep the access tokens across restarts (stored in the OS keychain)
  --unpin-token     forget pinned tokens; new ones are made at every start again
`;

export async function serveCommand(argv: string[], io: ServeIo = process): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        'allow-remote': { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        static: { type: 'string' },
        demo: { type: 'boolean', default: false },
        'pin-token': { type: 'boolean', default: false },
        'unpin-token': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (e) {
    io.stderr.write(`hashwatch serve: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr.write(`hashwatch serve: --port must be an integer 0-65535, got '${values.port}'\n`);
    return 2;
  }
  const host = values.host;
  if (!isLoopbackHost(host) && !values['allow-remote']) {
    io.stderr.write(
      `hashwatch serve: --host ${host} would expose Hashwatch beyond this machine; add --allow-remote to confirm\n`,
    );
    return 2;
  }
  const secrets = createKeychainSecrets();
  let tokens;
  try {
    if (values['unpin-token']) await unpinHostTokens(secrets);
    ({ tokens } = await resolveHostTokens(secrets, { pin: values['pin-token'] }));
  } catch (e) {
    io.stderr.write(`hashwatch serve: cannot pin the access tokens: ${(e as Error).message}\n`);
    return 1;
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  fs.mkdirSync(dataDir, { recursive: true });

  // Demo mode: an embedded simulated farm, its password in memory (never the real keychain), and its own
  // database so a demo never mixes with a real farm's history.
  const demo = values.demo ? await startDemoFarm() : null;
  tuneHeap(); // core/heap.ts: this process polls the farm
  const core = await createCore({
    dataDir,
    version: APP_VERSION,
    host: 'headless',
    demo: !!demo,
    fleet: demo ? { storePath: `${dataDir}/demo.db` } : {},
    ...(demo ? { credentialStore: createMemoryCredentialStore({ farm: demo.password }) } : {}),
  });
  if (demo) core.discovery.start(demo.targets);
  let hostHandle;
  try {
    hostHandle = await startHost({
      dispatch: core.dispatch,
      bus: core.bus,
      tokens,
      host,
      port,
      allowRemote: values['allow-remote'],
      staticDir: values.static ?? locateRendererDir(),
      metrics: createMetrics({
        inventory: core.inventory,
        ...(core.fleet
          ? { alerts: () => core.fleet!.alerts.active(), poller: () => core.fleet!.monitor.stats() }
          : {}),
      }),
    });
  } catch (e) {
    await core.close();
    await demo?.close();
    io.stderr.write(`hashwatch serve: ${(e as Error).message}\n`);
    return 1;
  }
  if (!isLoopbackHost(host)) {
    io.stderr.write(
      `WARNING: Hashwatch is listening on ${host}: anyone on your network who has a token can reach it.\n` +
        `         Share the viewer URL for read-only access; keep the operator URL to yourself.\n`,
    );
  }
  io.stdout.write(
    `Hashwatch ${APP_VERSION} is serving at ${hostHandle.url}\n` +
      `  operator:  ${hostHandle.urlWithToken('operator')}\n` +
      `  viewer:    ${hostHandle.urlWithToken('viewer')}\n` +
      `  data:      ${dataDir}\n` +
      (demo ? `  demo farm: ${demo.targets.length} simulated miners, control API ${demo.controlUrl}\n` : '') +
      `Press Ctrl-C to stop.\n`,
  );

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  io.stdout.write('Shutting down...\n');
  await hostHandle.close();
  await core.close();
  await demo?.close();
  io.stdout.write('Stopped.\n');
  return 0;
}
