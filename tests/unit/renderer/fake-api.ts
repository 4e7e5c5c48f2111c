/**
 * A scriptable contract client for the renderer's store and page-flow tests.
 */
import type { EventName, EventPayload, HashwatchApi, MethodName } from '../../../shared/contract.js';
import type { Result } from '../../../shared/errors.js';

type Answer = (input: unknown) => Result<unknown> | Promise<Result<unknown>>;

/** An api whose calls are answered per method and whose events the test pushes. */
export interface FakeApi extends HashwatchApi {
  calls: Array<{ method: string; input: unknown }>;
  answer(method: MethodName, fn: Answer): void;
  push<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

/** Unanswered methods fail with `Unavailable`, so a test sees a forgotten answer. */
export function fakeApi(): FakeApi {
  const answers = new Map<string, Answer>();
  const handlers = new Map<string, Set<(p: unknown) => void>>();
  const calls: FakeApi['calls'] = [];
  return {
    calls,
    answer(method, fn) {
      answers.set(method, fn);
    },
    push(event, payload) {
      for (const h of handlers.get(event) ?? []) h(payload);
    },
    async call(method, input) {
      calls.push({ method, input });
      const fn = answers.get(method);
      const r = fn
        ? await fn(input)
        : { ok: false, error: { code: 'Unavailable', message: `no answer for ${method}` } };
      return r as never;
    },
    on(event, handler) {
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      const h = handler as (p: unknown) => void;
      set.add(h);
      return () => void set.delete(h);
    },
  };
}
