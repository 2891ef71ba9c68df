import type { Alert } from './alert.js';
import { DeliveryError } from './delivery-error.js';
import type { AlertHandler } from './handler.js';
import { redact } from './redact.js';

export interface DeliveryFailure {
  readonly handler: string;
  readonly alert: Alert;
  readonly error: string;
  readonly attempts: number;
  /** `queue_full`: dropped before a try; `timeout`: the handler did not settle in time; `error`: it failed. */
  readonly reason: 'error' | 'timeout' | 'queue_full';
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
  delivered = 0;
  failed = 0;

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
    if (this.#queue.length >= this.#capacity) {
      // The oldest is the least current state; the newest is kept.
      const dropped = this.#queue.shift() as Alert;
      this.#fail({ handler: this.name, alert: dropped, error: `queue full (${this.#capacity})`, attempts: 0, reason: 'queue_full', failures: this.failed + 1 });
    }
    this.#queue.push(alert);
    this.#running ??= this.#run();
  }

  /** Resolves once everything queued so far was delivered or reported as failed. */
  async drain(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
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
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.#timeoutMs);
    });
    try {
      const outcome = await Promise.race([Promise.resolve().then(() => this.#handler(alert)), timeout]);
      if (outcome === 'timeout') {
        this.#fail({ handler: this.name, alert, error: `handler did not settle within ${this.#timeoutMs} ms`, attempts: 1, reason: 'timeout', failures: this.failed + 1 });
      } else {
        this.delivered++;
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const attempts = error instanceof DeliveryError ? error.attempts : 1;
      this.#fail({ handler: this.name, alert, error: redact(message), attempts, reason: 'error', failures: this.failed + 1 });
    } finally {
      clearTimeout(timer);
    }
  }

  #fail(failure: DeliveryFailure): void {
    this.failed++;
    try {
      this.#onFailure(failure);
    } catch {
      // Reporting must not stop the queue; the bus already isolates its own handlers.
    }
  }
}
