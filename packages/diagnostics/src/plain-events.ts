import type { Worker } from 'node:worker_threads';
import { msToNs, now, type EventHandle, type Telemetry } from '@rx-telemetry/core';
import type { ChannelSubscriptions } from './channel-subscriptions.js';
import { NET_CLIENT_SOCKET_EVENT, NET_SERVER_SOCKET_EVENT, WORKER_CREATED_EVENT, WORKER_EXITED_EVENT } from './events.js';

/** `net.client.socket` / `net.server.socket` → `['net','client','socket']` / `['net','server','socket']`, one per socket. */
export function bridgeSockets(bus: Telemetry, subscriptions: ChannelSubscriptions): void {
  const client = bus.event(NET_CLIENT_SOCKET_EVENT);
  const server = bus.event(NET_SERVER_SOCKET_EVENT);
  subscriptions.subscribe('net.client.socket', () => {
    if (client.active) client.emit({ count: 1 }, {});
  });
  subscriptions.subscribe('net.server.socket', () => {
    if (server.active) server.emit({ count: 1 }, {});
  });
}

/**
 * `worker_threads` → `['worker_threads','created']`, and `['worker_threads','exited']` with the
 * worker's lifetime when a worker created while the bridge ran exits. `stop()` removes the exit
 * listeners it added.
 */
export class WorkerEvents {
  readonly #created: EventHandle;
  readonly #exited: EventHandle;
  readonly #listening = new Map<Worker, (exitCode: number) => void>();

  constructor(bus: Telemetry, subscriptions: ChannelSubscriptions) {
    this.#created = bus.event(WORKER_CREATED_EVENT);
    this.#exited = bus.event(WORKER_EXITED_EVENT);
    subscriptions.subscribe<{ readonly worker: Worker }>('worker_threads', ({ worker }) => this.#onWorker(worker));
  }

  #onWorker(worker: Worker): void {
    const threadId = worker.threadId;
    if (this.#created.active) this.#created.emit({ count: 1 }, { threadId });
    const startedAt = now();
    const onExit = (exitCode: number): void => {
      this.#listening.delete(worker);
      if (this.#exited.active) this.#exited.emit({ duration: msToNs(now() - startedAt) }, { threadId, exitCode });
    };
    this.#listening.set(worker, onExit);
    worker.once('exit', onExit);
  }

  stop(): void {
    for (const [worker, onExit] of this.#listening) worker.off('exit', onExit);
    this.#listening.clear();
  }
}
