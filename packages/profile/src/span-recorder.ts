import type { EventName, Measurements, Metadata, SpanContextInfo, SpanEndInfo, Telemetry } from '@rx-telemetry/core';
import type { RecordedSpan } from './recorded-span.js';

/** A RecordedSpan while it is being filled in. */
export type MutableSpan = { -readonly [K in keyof RecordedSpan]: RecordedSpan[K] };

/** What a recorder does with the spans it sees. */
export interface RecorderSink {
  /** A span started: return the record to keep it, or false to ignore it (not selected, or a bound reached). */
  started(info: SpanContextInfo, record: MutableSpan): boolean;
  /** A kept span ended (record complete but for gpuDurationNs, which may follow). */
  ended(record: MutableSpan): void;
}

/** The stop event of a GPU dispatch (@rx-telemetry/webgpu): its `gpuDuration` is the GPU time. */
export const DISPATCH_STOP: EventName = Object.freeze(['compute', 'kernel', 'dispatch', 'stop']);

let seq = 0;

/**
 * Sees every span of a bus through core's span-context hooks (callback spans through the hook,
 * spans opened by hand through `onStart`, every end through `onEnd`), and the GPU time of
 * dispatches through their stop event. Keeps nothing itself: the sink decides.
 */
export class SpanRecorder {
  readonly id = `profile-${++seq}`;
  readonly #bus: Telemetry;
  readonly #sink: RecorderSink;
  readonly #open = new Map<number, MutableSpan>();
  readonly #unbind: () => void;
  /** The span whose end was just told: its stop event (with gpuDuration) is dispatched right after. */
  #justEnded: MutableSpan | undefined = undefined;
  #detached = false;

  constructor(bus: Telemetry, sink: RecorderSink) {
    this.#bus = bus;
    this.#sink = sink;
    this.#unbind = bus.bindSpanContext(
      (info, fn) => {
        this.#start(info);
        return fn();
      },
      { onStart: (info) => this.#start(info), onEnd: (end) => this.#end(end) },
    );
    bus.attach(this.id, DISPATCH_STOP, (_event: EventName, m: Measurements, md: Metadata) => this.#gpu(m, md));
  }

  /** Spans started and not yet ended. */
  openSpans(): IterableIterator<MutableSpan> {
    return this.#open.values();
  }

  detach(): void {
    if (this.#detached) return;
    this.#detached = true;
    this.#unbind();
    this.#bus.detach(this.id);
    this.#open.clear();
    this.#justEnded = undefined;
  }

  #start(info: SpanContextInfo): void {
    if (this.#detached) return;
    const record: MutableSpan = {
      name: info.prefix.join('.'),
      prefix: info.prefix,
      spanId: info.spanId,
      parentSpanId: info.parentSpanId,
      correlationId: info.correlationId,
      startNs: info.monotonicTime,
      durationNs: undefined,
      metadata: info.metadata,
      failed: false,
      error: undefined,
      gpuDurationNs: undefined,
    };
    if (this.#sink.started(info, record)) this.#open.set(info.spanId, record);
  }

  #end(end: SpanEndInfo): void {
    const record = this.#open.get(end.spanId);
    if (record === undefined) return;
    this.#open.delete(end.spanId);
    record.durationNs = end.duration;
    if (end.metadata !== undefined) record.metadata = Object.assign({}, record.metadata, end.metadata);
    if (end.failed) {
      record.failed = true;
      record.error = end.error;
    }
    this.#justEnded = record;
    this.#sink.ended(record);
  }

  #gpu(m: Measurements, md: Metadata): void {
    const record = this.#justEnded;
    this.#justEnded = undefined;
    if (record !== undefined && record.spanId === md.spanId && typeof m.gpuDuration === 'number' && Number.isFinite(m.gpuDuration)) {
      record.gpuDurationNs = m.gpuDuration;
    }
  }
}
