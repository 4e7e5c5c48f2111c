/**
 * The one entry point every adapter calls: look up, authorise, validate, run, and wrap as a value.
 *
 * Adapters contain no logic; everything a boundary must check happens here once, so the IPC,
 * WebSocket and in-process paths cannot drift apart.
 */
import {
  isMethodName,
  methods,
  type MethodSpec,
  type MethodArgs,
  type MethodName,
  type MethodOutput,
} from '../../../shared/contract.js';
import { toAppError, type Result } from '../../../shared/errors.js';

export type Role = 'viewer' | 'operator';

export interface CallContext {
  role: Role;
  /** Who is calling, for logs and rate limits: `ipc`, `ws:<remote address>`, `test`. */
  caller: string;
}

export type Handler<M extends MethodName> = (
  input: MethodArgs<M>,
  ctx: CallContext,
) => Promise<MethodOutput<M>> | MethodOutput<M>;

export type Handlers = { [M in MethodName]: Handler<M> };

export type Dispatch = (method: unknown, input: unknown, ctx: CallContext) => Promise<Result<unknown>>;

export interface DispatchOptions {
  /** Check every output against its schema too (tests); costs time on large lists. */
  validateOutput?: boolean;
  /** Called with every unexpected error (not `HashwatchError`) for the log; never sent to callers. */
  onInternalError?: (method: string, error: unknown) => void;
}

const MAX_ISSUES = 10;

export function createDispatch(handlers: Handlers, opts: DispatchOptions = {}): Dispatch {
  return async (method, input, ctx) => {
    if (!isMethodName(method)) {
      const shown = typeof method === 'string' ? method.slice(0, 100) : typeof method;
      return { ok: false, error: { code: 'UnknownMethod', message: `Unknown method: ${shown}` } };
    }
    const spec: MethodSpec = methods[method];
    if (spec.access === 'write' && ctx.role !== 'operator') {
      return {
        ok: false,
        error: { code: 'Forbidden', message: `${method} needs the operator role; this session is read-only` },
      };
    }
    const parsed = spec.input.safeParse(input);
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'ValidationError',
          message: `Invalid input for ${method}`,
          details: parsed.error.issues.slice(0, MAX_ISSUES).map((i) => ({
            path: i.path.map(String).join('.'),
            message: i.message,
          })),
        },
      };
    }
    try {
      const handler = handlers[method] as Handler<MethodName>;
      const value = await handler(parsed.data as never, ctx);
      if (opts.validateOutput) spec.output.parse(value);
      return { ok: true, value };
    } catch (e) {
      const error = toAppError(e);
      if (error.code === 'Internal') opts.onInternalError?.(method, e);
      return { ok: false, error };
    }
  };
}
