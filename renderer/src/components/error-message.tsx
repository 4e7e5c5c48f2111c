/**
 * A core error shown where it happened: its message (never a stack), and what to do for `Forbidden`.
 */
import type { AppError } from '../../../shared/errors.js';
import { errorText } from '../logic/field-errors.js';

/** An inline error message; renders nothing without an error. */
export function ErrorMessage({ error, testId }: { error: AppError | null; testId?: string }) {
  if (!error) return null;
  return (
    <p className="error-message" role="alert" data-testid={testId} data-code={error.code}>
      {errorText(error)}
    </p>
  );
}
