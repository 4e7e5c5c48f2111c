/**
 * The typed contract client, kept free of zod so the renderer bundle carries no schemas.
 *
 * `createClient` adds the contract's types back onto any untyped transport (preload bridge, WebSocket,
 * in-process); the schemas themselves only run on the core side.
 */
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from './contract.js';
import type { Result } from './errors.js';

/** What every adapter offers a caller: typed calls returning result values, and event subscriptions. */
export interface HashwatchApi {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>>;
  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void;
}

/** The untyped wire form every adapter carries; `createClient` adds the types back. */
export interface ContractTransport {
  request(method: string, input: unknown): Promise<Result<unknown>>;
  subscribe(handler: (event: string, payload: unknown) => void): () => void;
}

/** One typed client over any transport: the renderer, the tests and the CLI all use this. */
export function createClient(transport: ContractTransport): HashwatchApi {
  const handlers = new Map<string, Set<(payload: unknown) => void>>();
  let unsubscribe: (() => void) | null = null;
  const ensureSubscribed = () => {
    unsubscribe ??= transport.subscribe((event, payload) => {
      for (const h of handlers.get(event) ?? []) h(payload);
    });
  };
  return {
    call: (method, input) => transport.request(method, input) as Promise<never>,
    on(event, handler) {
      ensureSubscribed();
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      const h = handler as (payload: unknown) => void;
      set.add(h);
      return () => {
        set.delete(h);
      };
    },
  };
}
