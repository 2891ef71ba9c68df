import { HttpRequestError, redact } from '@rx-telemetry/http-client';
import type { Alert } from '../alert.js';
import type { AlertHandler } from './handler.js';

/**
 * Why a notification was not delivered: `queue_full`, dropped before a try; `timeout`, the
 * handler did not settle in time; `error`, it failed; `abandoned`, `Alerts` stopped and its
 * delivery deadline passed before this one was done.
 */
export type FailureReason = 'error' | 'timeout' | 'queue_full' | 'abandoned';

export interface DeliveryFailure {
  readonly handler: string;
  readonly alert: Alert;
  readonly error: string;
  readonly attempts: number;
  readonly reason: FailureReason;
  /** This handler's failures so far, this one included. */
  readonly failures: number;
}

/**
 * One handler's notifications, delivered one at a time in order (a `resolved` never overtakes
 * its `fired`), asynchronously: the evaluation that queued them never waits.
 */
export class DeliveryQueue {
  readonly name: string;
  readonly #handler: AlertHandler;
  readonly #capacity: number;
  readonly #timeoutMs: number;
  readonly #onFailure: (failure: DeliveryFailure) => void;
  readonly #queue: Alert[] = [];
  #running: Promise<void> | undefined;
  #current: AbortController | undefined;
  #abandoned = false;
  delivered = 0;
  failed = 0;
  /** Whether the latest delivery (or drop) failed: what the alerts' delivery health check reads. */
  lastFailed = false;

  constructor(handler: AlertHandler, name: string, capacity: number, timeoutMs: number, onFailure: (failure: DeliveryFailure) => void) {
    this.#handler = handler;
    this.name = redact(name);
    this.#capacity = capacity;
    this.#timeoutMs = timeoutMs;
    this.#onFailure = onFailure;
  }

  get size(): number {
    return this.#queue.length;
  }

  push(alert: Alert): void {
    if (this.#abandoned) {
      this.#fail(alert, 'abandoned', 'Alerts stopped', 0);
      return;
    }
    if (this.#queue.length >= this.#capacity) {
      // The oldest is the least current state; the newest is kept.
      this.#fail(this.#queue.shift() as Alert, 'queue_full', `queue full (${this.#capacity})`, 0);
    }
    this.#queue.push(alert);
    this.#running ??= this.#run();
  }

  /** Resolves once everything queued so far was delivered or reported as failed. */
  async drain(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  /**
   * Gives up: aborts the delivery in flight and drops what waits, each reported as `abandoned`;
   * later pushes are dropped the same way.
   */
  abandon(): void {
    this.#abandoned = true;
    for (const alert of this.#queue.splice(0)) this.#fail(alert, 'abandoned', 'Alerts stopped before it was delivered', 0);
    this.#current?.abort(new Error('Alerts stopped'));
  }

  async #run(): Promise<void> {
    // Never run a handler inside the evaluation that queued it, even a synchronous one.
    await Promise.resolve();
    try {
      for (let alert = this.#queue.shift(); alert !== undefined; alert = this.#queue.shift()) await this.#deliver(alert);
    } finally {
      this.#running = undefined;
    }
  }

  async #deliver(alert: Alert): Promise<void> {
    const controller = new AbortController();
    this.#current = controller;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.#timeoutMs);
    });
    const abandoned = new Promise<'abandoned'>((resolve) => controller.signal.addEventListener('abort', () => resolve('abandoned'), { once: true }));
    try {
      const outcome = await Promise.race([Promise.resolve().then(() => this.#handler(alert, controller.signal)), timeout, abandoned]);
      if (outcome === 'timeout') {
        controller.abort(new Error(`delivery timed out after ${this.#timeoutMs} ms`));
        this.#fail(alert, 'timeout', `handler did not settle within ${this.#timeoutMs} ms`, 1);
      } else if (outcome === 'abandoned') {
        this.#fail(alert, 'abandoned', 'Alerts stopped while it was being delivered', 1);
      } else {
        this.delivered++;
        this.lastFailed = false;
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const attempts = error instanceof HttpRequestError ? error.attempts : 1;
      this.#fail(alert, controller.signal.aborted ? 'abandoned' : 'error', redact(message), attempts);
    } finally {
      clearTimeout(timer);
      this.#current = undefined;
    }
  }

  #fail(alert: Alert, reason: FailureReason, error: string, attempts: number): void {
    this.failed++;
    this.lastFailed = true;
    try {
      this.#onFailure({ handler: this.name, alert, error, attempts, reason, failures: this.failed });
    } catch {
      // Reporting must not stop the queue; the bus already isolates its own handlers.
    }
  }
}
