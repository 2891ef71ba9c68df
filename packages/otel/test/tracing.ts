import { context, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** A real SDK tracer whose finished spans land in memory. */
export interface Tracing {
  readonly tracer: Tracer;
  finished(): ReadableSpan[];
  /** The one finished span with this name (fails the test when there is not exactly one). */
  one(name: string): ReadableSpan;
}

export function inMemoryTracing(): Tracing {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return {
    tracer: provider.getTracer('test'),
    finished: () => exporter.getFinishedSpans(),
    one(name) {
      const spans = exporter.getFinishedSpans().filter((s) => s.name === name);
      if (spans.length !== 1) throw new Error(`expected one finished span named ${name}, got ${spans.length}`);
      return spans[0];
    },
  };
}

/** Registers the AsyncLocalStorage context manager for the enclosing describe block. */
export function withContextManager(): void {
  let manager: AsyncLocalStorageContextManager | undefined;
  before(() => {
    manager = new AsyncLocalStorageContextManager().enable();
    if (!context.setGlobalContextManager(manager)) throw new Error('a global context manager is already registered');
  });
  after(() => {
    context.disable();
    manager?.disable();
  });
}

/** HrTime → bigint nanoseconds since the epoch. */
export function hrToNs(time: readonly [number, number]): bigint {
  return BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);
}
