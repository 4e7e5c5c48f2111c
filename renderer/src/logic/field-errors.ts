/**
 * Turns a core error into messages per form field, so validation shows beside what caused it.
 */
import type { AppError } from '../../../shared/errors.js';

/** Messages by field path (`pollIntervalS`, `alerts.chipTempMaxC`), plus what fits no field. */
export interface FieldErrors {
  byField: Record<string, string>;
  /** The general message (always set for an error), shown near the form's submit button. */
  general: string | null;
}

/** Splits a `ValidationError`'s details (`[{path, message}]`) by field; other errors are general. */
export function fieldErrors(error: AppError | null): FieldErrors {
  if (!error) return { byField: {}, general: null };
  const byField: Record<string, string> = {};
  if (error.code === 'ValidationError' && Array.isArray(error.details)) {
    for (const d of error.details as unknown[]) {
      if (typeof d !== 'object' || d === null) continue;
      const { path, message } = d as { path?: unknown; message?: unknown };
      if (typeof path === 'string' && typeof message === 'string' && path && !(path in byField))
        byField[path] = message;
    }
  }
  return { byField, general: error.message };
}

/** A readable message for any error: the forbidden case says what the technician can do. */
export function errorText(error: AppError): string {
  if (error.code === 'Forbidden')
    return `${error.message}. Open Hashwatch with the operator link (or from the desktop app) to do this.`;
  return error.message;
}
