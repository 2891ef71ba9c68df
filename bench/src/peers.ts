// Peers more than one suite measures against, built the same way everywhere.
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnosticsChannel from 'node:diagnostics_channel';

/** Every case adds into this one double field (a captured `let` would box a heap number per add). */
export interface Box {
  acc: number;
}

interface SpanContext {
  readonly metadata: Readonly<Record<string, unknown>>;
  t0?: number;
}

/**
 * The fairest peer of a span with start and stop handlers: Node's own
 * `diagnostics_channel.tracingChannel().traceSync`, with start/end subscribers that read the
 * clock and `bindStore` on an AsyncLocalStorage (so code inside sees a current span, as ours
 * does). Returns `run(fn)`.
 */
export function tracingChannelSpan(name: string, box: Box): (fn: () => number, metadata: Readonly<Record<string, unknown>>) => number {
  const tc = diagnosticsChannel.tracingChannel<{ spanId: number }, SpanContext>(name);
  const als = new AsyncLocalStorage<{ spanId: number }>();
  let seq = 0;
  tc.start.bindStore(als, () => ({ spanId: ++seq }));
  tc.subscribe({
    start(ctx) {
      ctx.t0 = performance.now();
    },
    end(ctx) {
      box.acc += performance.now() - (ctx.t0 ?? 0);
    },
    asyncStart() {},
    asyncEnd() {},
    error() {},
  });
  return (fn, metadata) => tc.traceSync(fn, { metadata });
}
