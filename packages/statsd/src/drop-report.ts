/** How often dropped lines are reported at most. */
export const DROP_REPORT_INTERVAL_MS = 1000;

/**
 * Counts dropped lines and reports what is new, at most once per `DROP_REPORT_INTERVAL_MS` and
 * always from a timer (drops happen inside an emit; the report is an event of its own), plus once
 * on `flush()`. The timer is unref'd and runs only while drops are waiting to be reported.
 *
 * ```ts
 * const drops = new DropReport((count, total) => console.warn(`dropped ${count} (${total} in all)`));
 * drops.add(3); // reported on a later turn of the event loop
 * ```
 */
export class DropReport {
  #total = 0;
  #reported = 0;
  #lastReportAt = -Infinity;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly report: (count: number, total: number) => void) {}

  get total(): number {
    return this.#total;
  }

  add(lines: number): void {
    this.#total += lines;
    if (this.#timer !== undefined) return;
    const delay = Math.max(0, this.#lastReportAt + DROP_REPORT_INTERVAL_MS - Date.now());
    this.#timer = setTimeout(this.#onTimer, delay);
    this.#timer.unref();
  }

  /** Reports what was dropped since the last report, now; stops the timer. */
  flush(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const count = this.#total - this.#reported;
    if (count === 0) return;
    this.#reported = this.#total;
    this.#lastReportAt = Date.now();
    this.report(count, this.#total);
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    this.flush();
  };
}
