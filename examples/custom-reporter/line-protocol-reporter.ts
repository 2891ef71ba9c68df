// A reporter of one's own: metric definitions → InfluxDB line protocol, one line per series per
// interval. Built only on core's public definition API, and following the rules every
// rx-telemetry part follows: it takes the bus explicitly, evaluates definitions through
// `attachMetrics` (one handler per event, one `MetricReader` per definition), skips and counts bad
// events instead of throwing into the emitter, bounds what it holds, and registers an idempotent
// stop with the bus (`bus.manage`) that detaches, clears its timer and flushes.
import { attachMetrics, type MetricDefinition, type MetricReader, type Recorder, type Telemetry } from '@rx-telemetry/core';

export interface LineProtocolOptions {
  readonly metrics: readonly MetricDefinition[];
  /** Where lines go, a chunk per flush (default: standard output). */
  readonly write?: (chunk: string) => void;
  /** Flush period (default 10 s; the timer does not keep the process alive). */
  readonly flushEveryMs?: number;
  /** Series held between flushes at most; events of further series are dropped and counted (default 10,000). */
  readonly maxSeries?: number;
  /** Epoch milliseconds, for the lines' timestamps (default `Date.now`). */
  readonly now?: () => number;
}

export interface LineProtocolStats {
  /** Lines written so far. */
  readonly written: number;
  /** Events skipped: a missing or non-finite measurement, or a missing tag. */
  readonly skipped: number;
  /** Events dropped because `maxSeries` series were already held. */
  readonly dropped: number;
}

/** One series' state for the current interval. */
interface Series { readonly key: string; readonly kind: MetricDefinition['type']; count: number; sum: number; min: number; max: number; last: number }

let seq = 0;

export class LineProtocolReporter {
  readonly #write: (chunk: string) => void;
  readonly #now: () => number;
  readonly #maxSeries: number;
  readonly #series = new Map<string, Series>();
  readonly #timer: NodeJS.Timeout;
  readonly #stop: () => Promise<void>;
  #written = 0;
  #skipped = 0;
  #dropped = 0;

  constructor(bus: Telemetry, options: LineProtocolOptions) {
    this.#write = options.write ?? ((chunk) => void process.stdout.write(chunk));
    this.#now = options.now ?? Date.now;
    this.#maxSeries = options.maxSeries ?? 10_000;
    const attachment = attachMetrics(bus, `line-protocol-${++seq}`, options.metrics, (reader) => this.#recorder(reader));
    this.#timer = setInterval(() => this.flush(), options.flushEveryMs ?? 10_000).unref();
    this.#stop = bus.manage(`line-protocol-reporter-${seq}`, () => {
      attachment.detach();
      clearInterval(this.#timer);
      this.flush();
    });
  }

  /** Writes one line per series seen since the last flush, then starts a new interval. */
  flush(): void {
    if (this.#series.size === 0) return;
    const ts = String(BigInt(Math.trunc(this.#now())) * 1_000_000n); // ns
    let chunk = '';
    for (const s of this.#series.values()) {
      const fields = s.kind === 'counter' || s.kind === 'sum' ? `value=${s.sum}`
        : s.kind === 'lastValue' ? `value=${s.last}`
        : `count=${s.count}i,sum=${s.sum},min=${s.min},max=${s.max}`;
      chunk += `${s.key} ${fields} ${ts}\n`;
    }
    this.#written += this.#series.size;
    this.#series.clear();
    this.#write(chunk);
  }

  stats(): LineProtocolStats {
    return { written: this.#written, skipped: this.#skipped, dropped: this.#dropped };
  }

  /** Idempotent: detaches, clears the timer and flushes; `telemetry.shutdown()` calls it too. */
  stop(): Promise<void> {
    return this.#stop();
  }

  // The record path: read through the reader (unit conversion, filters, tags), never the raw event.
  #recorder(reader: MetricReader): Recorder {
    const d = reader.definition;
    const measurement = escape(d.name, /[ ,]/g);
    const tagKeys = d.tags.map((t) => escape(t, /[ ,=]/g));
    return (_event, measurements, metadata) => {
      if (!reader.accepts(measurements, metadata)) return;
      const value = reader.value(measurements, metadata);
      const tags = reader.tagValues(metadata);
      if (value === undefined || tags === undefined) {
        this.#skipped++;
        return;
      }
      let key = measurement;
      for (let i = 0; i < tags.length; i++) key += `,${tagKeys[i]}=${escape(tags[i], /[ ,=]/g)}`;
      let s = this.#series.get(key);
      if (s === undefined) {
        if (this.#series.size >= this.#maxSeries) {
          this.#dropped++;
          return;
        }
        this.#series.set(key, (s = { key, kind: d.type, count: 0, sum: 0, min: Infinity, max: -Infinity, last: 0 }));
      }
      s.count++;
      s.sum += value;
      s.last = value;
      if (value < s.min) s.min = value;
      if (value > s.max) s.max = value;
    };
  }
}

/** Line protocol escaping: a backslash before each special character (and no newlines at all). */
function escape(text: string, special: RegExp): string {
  return text.replace(/\n/g, ' ').replace(special, (c) => `\\${c}`);
}
