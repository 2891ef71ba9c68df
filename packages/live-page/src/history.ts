import { compact, type SeriesInfo } from './series.js';

/** The last `capacity` points of every series, on one shared time axis (a ring). */
export class History {
  readonly series: SeriesInfo[] = [];
  /** Series refused past maxSeries. */
  droppedSeries = 0;
  readonly #capacity: number;
  readonly #maxSeries: number;
  readonly #times: Float64Array;
  readonly #values = new Map<string, Float64Array>();
  readonly #dropped = new Set<string>();
  #next = 0;
  #size = 0;

  constructor(capacity: number, maxSeries: number) {
    this.#capacity = capacity;
    this.#maxSeries = maxSeries;
    this.#times = new Float64Array(capacity);
  }

  has(key: string): boolean {
    return this.#values.has(key);
  }

  /** Adds a series (NaN before now); false when the bound refused it. */
  add(info: SeriesInfo): boolean {
    if (this.#values.has(info.key)) return true;
    if (this.series.length >= this.#maxSeries) {
      if (!this.#dropped.has(info.key)) {
        this.#dropped.add(info.key);
        this.droppedSeries++;
      }
      return false;
    }
    this.series.push(info);
    this.#values.set(info.key, new Float64Array(this.#capacity).fill(NaN));
    return true;
  }

  /** One point at time `t` (epoch ms); series missing from `values` get NaN. */
  push(t: number, values: ReadonlyMap<string, number>): void {
    const i = this.#next;
    this.#times[i] = t;
    for (const [key, column] of this.#values) column[i] = values.get(key) ?? NaN;
    this.#next = (i + 1) % this.#capacity;
    this.#size = Math.min(this.#size + 1, this.#capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Oldest first: `times` in epoch ms, and each series' values (null where it had none). */
  toJSON(): { times: number[]; values: Record<string, (number | null)[]> } {
    const order: number[] = [];
    const start = (this.#next - this.#size + this.#capacity) % this.#capacity;
    for (let k = 0; k < this.#size; k++) order.push((start + k) % this.#capacity);
    const values: Record<string, (number | null)[]> = {};
    for (const [key, column] of this.#values) values[key] = order.map((i) => compact(column[i]));
    return { times: order.map((i) => this.#times[i]), values };
  }
}
