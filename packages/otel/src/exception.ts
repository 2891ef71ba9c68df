import type { Exception } from '@opentelemetry/api';

/** What `recordException` accepts, for any thrown value (not only Errors). */
export function toException(error: unknown): Exception {
  if (error instanceof Error || typeof error === 'string') return error;
  return String(error);
}

/** The span status message for a thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
