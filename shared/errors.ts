/**
 * Typed errors that cross module and process boundaries.
 *
 * Errors travel as values (`{code, message, details?}`); `HashwatchError` is the in-process form,
 * so a thrown error inside the core can be turned into a value without losing its meaning.
 */
import { z } from 'zod';

export const ErrorCodeSchema = z.enum([
  'ValidationError',
  'UnknownMethod',
  'NotFound',
  'Unauthorized',
  'Forbidden',
  'Unreachable',
  'Timeout',
  'AuthFailed',
  'RateLimited',
  'BadResponse',
  'FirmwareError',
  'Cancelled',
  'Conflict',
  'KeychainUnavailable',
  'Unavailable',
  'Internal',
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const AppErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  details: z.unknown().optional(),
});
export type AppError = z.infer<typeof AppErrorSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = (code: ErrorCode, message: string, details?: unknown): Result<never> => ({
  ok: false,
  error: details === undefined ? { code, message } : { code, message, details },
});

/** An error the core throws on purpose; its code and message are safe to show to a user. */
export class HashwatchError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = code;
    this.code = code;
    this.details = details;
  }
  toAppError(): AppError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Turns anything thrown into a value; unknown errors become `Internal` with no stack or internals. */
export function toAppError(e: unknown): AppError {
  if (e instanceof HashwatchError) return e.toAppError();
  return { code: 'Internal', message: 'Internal error' };
}
