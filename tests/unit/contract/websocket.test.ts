import { WebSocket } from 'undici';
import { createClient } from '../../../shared/contract.js';
import { createWsTransport, type SocketLike } from '../../../shared/ws-client.js';
import { startHost } from '../../../electron/core/host/server.js';
import { contractSuite, testCore } from './suite.js';

contractSuite('the WebSocket adapter', async (opts) => {
  const core = await testCore(opts);
  const host = await startHost({
    dispatch: core.dispatch,
    bus: core.bus,
    tokens: { operator: 'op-token-for-tests', viewer: 'viewer-token-for-tests' },
    staticDir: null,
  });
  const transport = createWsTransport(
    `ws://127.0.0.1:${host.port}/ws?token=op-token-for-tests`,
    (url) => new WebSocket(url) as unknown as SocketLike,
    { reconnect: false },
  );
  await transport.ready();
  return {
    core,
    client: createClient(transport),
    raw: (method, input) => transport.request(method as string, input),
    async close() {
      transport.close();
      await host.close();
      await core.close();
    },
  };
});
