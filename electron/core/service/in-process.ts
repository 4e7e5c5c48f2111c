/**
 * The in-process contract adapter: the same dispatch the IPC and WebSocket adapters use, with no wire.
 *
 * Tests drive the core through it; values are passed through a JSON round trip so that a test sees
 * exactly what a remote caller would (no shared object references, no Dates or functions).
 */
import type { ContractTransport } from '../../../shared/contract.js';
import type { CallContext, Dispatch } from './dispatch.js';
import type { EventBus } from './events.js';

export function createInProcessTransport(
  dispatch: Dispatch,
  bus: EventBus,
  ctx: CallContext = { role: 'operator', caller: 'in-process' },
): ContractTransport {
  const wire = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));
  return {
    request: async (method, input) => wire(await dispatch(method, wire(input), ctx)),
    subscribe: (handler) => bus.onAny((event, payload) => handler(event, wire(payload))),
  };
}
