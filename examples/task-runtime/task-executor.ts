// The application's own code: a small task executor with a concurrency limit. Its
// instrumentation is three lines: a span per task, and the queue's depth when it changes.
import { telemetry, withCorrelation } from '@rx-telemetry/core';

export interface Task {
  readonly id: string;
  readonly type: string;
  run(): Promise<void>;
}

export class TaskExecutor {
  readonly #queue: Task[] = [];
  readonly #idle: (() => void)[] = [];
  #running = 0;

  constructor(readonly concurrency: number) {}

  submit(task: Task): void {
    this.#queue.push(task);
    this.#next();
  }

  /** Resolves once the queue is empty and nothing runs. */
  drained(): Promise<void> {
    return this.#queue.length === 0 && this.#running === 0 ? Promise.resolve() : new Promise((resolve) => this.#idle.push(resolve));
  }

  #next(): void {
    while (this.#running < this.concurrency && this.#queue.length > 0) {
      const task = this.#queue.shift()!;
      this.#running++;
      void withCorrelation(task.id, () => telemetry.span(['tasks', 'task'], { type: task.type }, () => task.run()))
        .catch(() => undefined) // a failed task is its span's exception event: counted, not fatal
        .finally(() => {
          this.#running--;
          this.#next();
        });
    }
    telemetry.emit(['tasks', 'queue'], { pending: this.#queue.length, running: this.#running });
    if (this.#queue.length === 0 && this.#running === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }
}
