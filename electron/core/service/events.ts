/**
 * The core's typed event bus.
 *
 * Modules emit contract events here; adapters subscribe once with `onAny` and forward every event,
 * so adding an event to the contract needs no adapter change.
 */
import type { EventName, EventPayload } from '../../../shared/contract.js';

export type AnyEventHandler = (event: EventName, payload: unknown) => void;

export interface EventBus {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void;
  onAny(handler: AnyEventHandler): () => void;
}

export function createEventBus(): EventBus {
  const any = new Set<AnyEventHandler>();
  const byName = new Map<EventName, Set<(payload: unknown) => void>>();
  return {
    emit(event, payload) {
      for (const h of byName.get(event) ?? []) h(payload);
      for (const h of any) h(event, payload);
    },
    on(event, handler) {
      let set = byName.get(event);
      if (!set) byName.set(event, (set = new Set()));
      const h = handler as (payload: unknown) => void;
      set.add(h);
      return () => set.delete(h);
    },
    onAny(handler) {
      any.add(handler);
      return () => any.delete(handler);
    },
  };
}
