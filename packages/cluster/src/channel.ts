import type { Worker as ClusterWorker } from 'node:cluster';
import { Worker as ThreadWorker } from 'node:worker_threads';
import { isClusterMessage, type ClusterMessage } from './messages.js';

/** A worker as the primary sees it, whichever kind. */
export interface WorkerChannel {
  /** `cluster-<id>` or `thread-<threadId>`. */
  readonly id: string;
  send(m: ClusterMessage): void;
  /** Calls `on` for our messages; returns the detach. */
  listen(on: (m: ClusterMessage) => void, exited: (code: number | null, signal: string | null) => void): () => void;
}

function isClusterWorker(w: unknown): w is ClusterWorker {
  return typeof w === 'object' && w !== null && typeof (w as ClusterWorker).send === 'function' && typeof (w as ClusterWorker).process === 'object';
}

/** The channel to a node:cluster Worker or a worker_threads Worker; a TypeError for anything else. */
export function channelOf(worker: ClusterWorker | ThreadWorker): WorkerChannel {
  if (worker instanceof ThreadWorker) {
    return {
      id: `thread-${worker.threadId}`,
      send: (m) => worker.postMessage(m),
      listen(on, exited) {
        const message = (m: unknown): void => {
          if (isClusterMessage(m)) on(m);
        };
        const exit = (code: number): void => exited(code, null);
        worker.on('message', message);
        worker.once('exit', exit);
        return () => {
          worker.off('message', message);
          worker.off('exit', exit);
        };
      },
    };
  }
  if (isClusterWorker(worker)) {
    return {
      id: `cluster-${worker.id}`,
      send: (m) => {
        // A worker that is gone cannot be written to; the collect times out or the exit folds it.
        if (worker.isConnected()) worker.send(m);
      },
      listen(on, exited) {
        const message = (m: unknown): void => {
          if (isClusterMessage(m)) on(m);
        };
        const exit = (code: number | null, signal: string | null): void => exited(code, signal);
        worker.on('message', message);
        worker.once('exit', exit);
        return () => {
          worker.off('message', message);
          worker.off('exit', exit);
        };
      },
    };
  }
  throw new TypeError('ClusterPrimary.add: expected a node:cluster Worker or a worker_threads Worker');
}
