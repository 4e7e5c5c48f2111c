import { createClient } from '../../../shared/contract.js';
import { createInProcessTransport } from '../../../electron/core/service/in-process.js';
import { contractSuite, testCore } from './suite.js';

contractSuite('the in-process adapter', async (opts) => {
  const core = await testCore(opts);
  const transport = createInProcessTransport(core.dispatch, core.bus);
  return {
    core,
    client: createClient(transport),
    raw: (method, input) => transport.request(method as string, input),
    close: () => core.close(),
  };
});
