import { epochMs } from '@rx-telemetry/core';
import type { RecentTraces, RecordedSpan } from '@rx-telemetry/profile';

/** One exception as the page lists it. */
export interface ExceptionRow {
  /** When the span ended, epoch ms. */
  readonly time: number;
  /** The span's name, e.g. 'compute.kernel.compile'. */
  readonly name: string;
  /** The error's first line, at most 200 characters. */
  readonly reason: string;
  readonly correlationId: string | undefined;
  readonly spanId: number;
  /** A few metadata values that say which one (kernel, device, direction). */
  readonly detail: string;
  /** Whether its job's trace is still held (`/api/trace?id=`). */
  readonly trace: boolean;
}

const DETAIL_KEYS = ['kernel', 'device', 'direction', 'failure', 'job'];

function reasonOf(error: unknown): string {
  let text: string;
  try {
    text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    text = '[unprintable error]';
  }
  const line = text.split('\n')[0];
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

export function exceptionRows(traces: RecentTraces): ExceptionRow[] {
  return traces.failures().map((span: RecordedSpan) => ({
    time: epochMs((span.startNs + (span.durationNs ?? 0)) / 1e6),
    name: span.name,
    reason: reasonOf(span.error),
    correlationId: span.correlationId,
    spanId: span.spanId,
    detail: DETAIL_KEYS.filter((k) => span.metadata[k] !== undefined)
      .map((k) => `${k}=${String(span.metadata[k])}`)
      .join(' '),
    trace: span.correlationId !== undefined && traces.spans(span.correlationId) !== undefined,
  }));
}
