import type { StatsD } from 'hot-shots';
import type { Send } from './send.js';

/**
 * One name-and-tags context of an aggregated metric: its wire name and tags, resolved once, and
 * the value held for the next flush (a count's sum, or a gauge's last value).
 */
export class AggregatedContext {
  value = 0;
  held = false;
  /** A timer's values held for the next flush, in order (timers are never summed). */
  readonly values: number[] = [];

  constructor(
    readonly send: Send,
    readonly name: string,
    readonly tags: string[] | undefined,
    readonly gauge: boolean,
    /** A timer (summary, distribution): each value is sent, at the flush. */
    readonly timer = false,
    /**
     * A timer sent as `ms` (standard, Telegraf): its values go out packed, `name:v1|ms:v2|ms`, in
     * lines whose values take at most this many characters; 0: one line per value (DogStatsD).
     */
    readonly pack = 0,
  ) {}
}

/**
 * The reporter's client-side aggregation: counts are added up and gauges keep their last value
 * per context, and every held context goes out as one line per `flushInterval` (and at stop).
 * Timer values (summaries, distributions) are held too and go out at the same flush, one line per
 * value as before: the per-call work of hot-shots (~3 µs a value under load, and code run cold
 * between a GPU job's awaits) leaves the emitter's path for a loop once per interval.
 * Done here rather than by hot-shots' own aggregation, which takes each value through its whole
 * per-call path first (argument juggling, the name's sanitising regex, three debug calls that
 * spread their arguments, a context key built as a string): in the bench's overhead suite that
 * was ~3 µs per value on its 2-core VM, against an addition to a cached context here.
 */
/**
 * How many characters a timer context's packed values may take so that its whole line (prefix,
 * name, tags and global tags, `|ms`) fits one `maxBufferSize` packet (1432 bytes when unbuffered).
 */
export function packWidth(maxBufferSize: number, prefix: string | undefined, name: string, tags: readonly string[] | undefined, globalTags: readonly string[]): number {
  let fixed = (prefix?.length ?? 0) + 1 + name.length + 8;
  for (const t of tags ?? []) fixed += t.length + 1;
  for (const t of globalTags) fixed += t.length + 1;
  return Math.max(32, (maxBufferSize > 0 ? maxBufferSize : 1432) - fixed);
}

export class ClientAggregation {
  #held: AggregatedContext[] = [];
  /** Timer values held, over every context. */
  #values = 0;
  #overflowReported = false;
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly client: StatsD,
    private readonly maxContexts: number,
    /** The most timer values held between flushes; past it a value is sent at once. */
    private readonly maxValues: number,
    flushInterval: number,
    private readonly onError: (error: unknown) => void,
  ) {
    this.#timer = setInterval(() => this.flush(), flushInterval);
    // Never keep the process alive for it: stop() sends what is held.
    this.#timer.unref();
  }

  /**
   * Adds `value` to a count's context or sets a gauge's. False when `maxContexts` other
   * contexts are held already: the caller sends the value as a line of its own (reported once,
   * through `onError`, for the reporter's lifetime, as hot-shots' aggregation did).
   */
  add(context: AggregatedContext, value: number): boolean {
    if (context.timer) return this.#hold(context, value);
    if (context.held) {
      context.value = context.gauge ? value : context.value + value;
      return true;
    }
    if (this.#held.length >= this.maxContexts) {
      if (!this.#overflowReported) {
        this.#overflowReported = true;
        this.onError(new Error(`StatsdReporter: aggregation context limit (${this.maxContexts}) reached; further new contexts are sent without aggregation`));
      }
      return false;
    }
    context.held = true;
    context.value = value;
    this.#held.push(context);
    return true;
  }

  /**
   * Holds a timer's value for the flush. False past `maxValues` held values (the caller sends it
   * at once: nothing is lost, and nothing is reported, since no value is dropped or merged).
   */
  #hold(context: AggregatedContext, value: number): boolean {
    if (this.#values >= this.maxValues) return false;
    if (!context.held) {
      if (this.#held.length >= this.maxContexts) return false;
      context.held = true;
      this.#held.push(context);
    }
    context.values.push(value);
    this.#values++;
    return true;
  }

  /**
   * Sends every held context (into hot-shots' packet buffer): a count's or gauge's one line, a
   * timer's values packed into as few lines as fit a packet (standard, Telegraf) or one line each
   * (DogStatsD, whose multi-value form needs Agent 7.25). Holds nothing.
   */
  flush(): void {
    const held = this.#held;
    if (held.length === 0) return;
    this.#held = [];
    this.#values = 0;
    for (const c of held) {
      c.held = false;
      try {
        if (!c.timer) c.send(this.client, c.name, c.value, 1, c.tags);
        else if (c.pack > 0) this.#sendPacked(c);
        else {
          const values = c.values;
          for (let i = 0; i < values.length; i++) c.send(this.client, c.name, values[i], 1, c.tags);
        }
      } catch (error) {
        this.onError(error);
      } finally {
        c.values.length = 0;
      }
    }
  }

  /**
   * A timer's values as multi-value lines, `name:v1|ms:v2|ms:v3|ms`, which Etsy StatsD and
   * Telegraf read as the same values sent one line each (tested against the Etsy daemon): one
   * hot-shots call per line instead of per value (its per-call path is ~2-4 µs, most of it
   * `util.debuglog` calls and its packet buffer's byte counting). hot-shots writes
   * `name:` + value + `|ms`, so the value handed to it is the string `v1|ms:v2|ms:v3`.
   */
  #sendPacked(c: AggregatedContext): void {
    const values = c.values;
    let line = String(values[0]);
    for (let i = 1; i < values.length; i++) {
      const next = String(values[i]);
      if (line.length + next.length + 4 > c.pack) {
        c.send(this.client, c.name, line as unknown as number, 1, c.tags);
        line = next;
      } else line += '|ms:' + next;
    }
    c.send(this.client, c.name, line as unknown as number, 1, c.tags);
  }

  /** Stops the timer and sends what is held. */
  stop(): void {
    clearInterval(this.#timer);
    this.flush();
  }
}
