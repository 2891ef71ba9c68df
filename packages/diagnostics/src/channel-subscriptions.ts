import dc from 'node:diagnostics_channel';
import type { FailureCounter } from './failure-counter.js';

type Subscriber = (message: unknown, name: string | symbol) => void;

/** The diagnostics_channel subscriptions of one bridge: each guarded, all removed by `unsubscribeAll()`. */
export class ChannelSubscriptions {
  readonly #list: { readonly name: string; readonly fn: Subscriber }[] = [];
  readonly #failures: FailureCounter;

  constructor(failures: FailureCounter) {
    this.#failures = failures;
  }

  /** Subscribes `fn` to the channel `name`; what it throws is reported, never thrown into Node. */
  subscribe<M>(name: string, fn: (message: M) => void): void {
    const failures = this.#failures;
    const guarded: Subscriber = (message) => {
      try {
        fn(message as M);
      } catch (failure) {
        failures.report(name, failure);
      }
    };
    dc.subscribe(name, guarded);
    this.#list.push({ name, fn: guarded });
  }

  /** The channel names subscribed to, in order. */
  get names(): readonly string[] {
    return this.#list.map((s) => s.name);
  }

  unsubscribeAll(): void {
    for (const { name, fn } of this.#list.splice(0)) dc.unsubscribe(name, fn);
  }
}
