import dc from 'node:diagnostics_channel';

type Channel = dc.Channel;
const METHODS = ['subscribe', 'unsubscribe', 'bindStore', 'unbindStore'] as const;

interface Watch {
  readonly channels: readonly Channel[];
  readonly listeners: Set<() => void>;
}

const watches = new Map<string, Watch>();

/**
 * Calls `onChange` whenever a subscriber or a store joins or leaves one of the five channels of
 * the TracingChannel `name`. diagnostics_channel has no such notification, so the five channel
 * objects (singletons per name, kept alive here) get own `subscribe` / `unsubscribe` /
 * `bindStore` / `unbindStore` methods that call their prototype's and then notify; every way to
 * subscribe (`dc.subscribe(name)`, `channel.subscribe`, `tracingChannel(name).subscribe`) goes
 * through them. Returns a function that stops watching; the last one restores the channels.
 */
export function watchTracingChannel(name: string, onChange: () => void): () => void {
  let watch = watches.get(name);
  if (watch === undefined) {
    const tc = dc.tracingChannel(name);
    const channels = [tc.start, tc.end, tc.asyncStart, tc.asyncEnd, tc.error];
    const listeners = new Set<() => void>();
    const notify = (): void => {
      for (const listener of [...listeners]) listener();
    };
    for (const channel of channels) {
      for (const method of METHODS) {
        Object.defineProperty(channel, method, {
          configurable: true,
          writable: true,
          enumerable: false,
          value: function (this: Channel, ...args: unknown[]): unknown {
            try {
              const own = Object.getPrototypeOf(this) as Record<string, (...a: unknown[]) => unknown>;
              return Reflect.apply(own[method]!, this, args);
            } finally {
              notify();
            }
          },
        });
      }
    }
    watch = { channels, listeners };
    watches.set(name, watch);
  }
  const w = watch;
  w.listeners.add(onChange);
  return () => {
    if (!w.listeners.delete(onChange) || w.listeners.size > 0) return;
    for (const channel of w.channels) for (const method of METHODS) delete (channel as unknown as Record<string, unknown>)[method];
    watches.delete(name);
  };
}
