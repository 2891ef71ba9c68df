import { getHeapStatistics } from 'node:v8';
import type { CounterSample } from './recorded-span.js';

/** A reading drawn as a counter track (`C` events): device memory, queue depth, … */
export interface ProfileCounter {
  readonly name: string;
  /** The current value; called at span starts and ends (at most every 100 µs) and when recording starts and ends. */
  read(): number;
  /** Put the track on this device's process (its `device` metadata, e.g. `'gpu0'`). */
  readonly device?: string;
}

/** V8's used heap, the counter every profile has. */
export const HEAP_COUNTER: ProfileCounter = Object.freeze({ name: 'heap used (bytes)', read: () => getHeapStatistics().used_heap_size });

const MIN_GAP_NS = 100_000;

/** Samples counters, skipping unchanged values and readings closer than 100 µs; bounded. */
export class CounterSampler {
  readonly samples: CounterSample[] = [];
  dropped = 0;
  readonly #counters: ProfileCounter[];
  readonly #last: { ns: number; value: number }[];
  readonly #max: number;

  constructor(counters: readonly ProfileCounter[], max: number) {
    this.#counters = [...counters];
    this.#last = this.#counters.map(() => ({ ns: -Infinity, value: NaN }));
    this.#max = max;
  }

  sample(ns: number, force = false): void {
    for (let i = 0; i < this.#counters.length; i++) {
      const last = this.#last[i];
      if (!force && ns - last.ns < MIN_GAP_NS) continue;
      const counter = this.#counters[i];
      let value: number;
      try {
        value = counter.read();
      } catch {
        // A counter that throws is read no more.
        this.#counters.splice(i, 1);
        this.#last.splice(i, 1);
        i--;
        continue;
      }
      if (typeof value !== 'number' || !Number.isFinite(value) || value === last.value) continue;
      if (this.samples.length >= this.#max) {
        this.dropped++;
        continue;
      }
      last.ns = ns;
      last.value = value;
      this.samples.push(counter.device === undefined ? { name: counter.name, ns, value } : { name: counter.name, ns, value, device: counter.device });
    }
  }
}
