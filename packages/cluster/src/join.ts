import { Telemetry } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import cluster from 'node:cluster';
import { isMainThread, parentPort } from 'node:worker_threads';
import { isClusterMessage, type ClusterMessage } from './messages.js';

export interface JoinOptions {
  /** The worker's store: its `encode()` is what the primary merges. */
  readonly aggregator: Aggregator;
}

/** A worker's membership: `stop()` sends a last state (folded into the totals) and detaches. */
export interface Membership {
  stop(): Promise<void>;
}

interface Transport {
  send(m: ClusterMessage): void;
  on(listener: (m: unknown) => void): () => void;
}

function transport(): Transport {
  if (!isMainThread && parentPort !== null) {
    const port = parentPort;
    return {
      send: (m) => port.postMessage(m),
      on(listener) {
        port.on('message', listener);
        return () => port.off('message', listener);
      },
    };
  }
  if (cluster.isWorker && typeof process.send === 'function') {
    return {
      send: (m) => {
        if (process.connected) process.send?.(m);
      },
      on(listener) {
        process.on('message', listener);
        return () => process.off('message', listener);
      },
    };
  }
  throw new TypeError('joinCluster: call it in a node:cluster worker or a worker_threads worker (this is the primary or main thread)');
}

/**
 * Joins this worker (node:cluster or worker_threads) to its primary's `ClusterPrimary`: the one
 * call a worker makes. It answers each collect with `aggregator.encode()`, registers with
 * `telemetry.manage`, and on `stop()` (or `telemetry.shutdown()`) sends a last state so that
 * nothing recorded is lost. Create it after the aggregator.
 */
export function joinCluster(telemetry: Telemetry, options: JoinOptions): Membership {
  if (!(telemetry instanceof Telemetry)) throw new TypeError('joinCluster: the first argument must be the Telemetry bus');
  const aggregator = options?.aggregator;
  if (!(aggregator instanceof Aggregator)) throw new TypeError('joinCluster: options.aggregator must be an Aggregator');
  if (aggregator.telemetry !== telemetry) throw new TypeError('joinCluster: options.aggregator listens on another Telemetry bus than the one given');
  const t = transport();
  const detach = t.on((m) => {
    if (!isClusterMessage(m) || m.rxTelemetry !== 'collect') return;
    t.send({ rxTelemetry: 'state', id: m.id, encoded: aggregator.encode() });
  });
  // The first state travels with the join: the primary has something to serve (and the encoder
  // is warm) before its first collect.
  t.send({ rxTelemetry: 'join', encoded: aggregator.encode() });
  const stop = telemetry.manage('cluster-member', () => {
    detach();
    t.send({ rxTelemetry: 'leave', encoded: aggregator.encode() });
  });
  return { stop };
}
