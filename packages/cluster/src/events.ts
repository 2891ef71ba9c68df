import type { EventName } from '@rx-telemetry/core';

/** A joined worker did not answer a collect within `collectTimeoutMs` (its last state was served). */
export const WORKER_MISSING_EVENT: EventName = Object.freeze(['telemetry', 'cluster', 'worker_missing']);
/** A joined worker exited or left; its last state was folded into the totals. */
export const WORKER_EXIT_EVENT: EventName = Object.freeze(['telemetry', 'cluster', 'worker_exit']);
/** A worker joined. */
export const WORKER_JOIN_EVENT: EventName = Object.freeze(['telemetry', 'cluster', 'worker_join']);
/** One collect round done: every joined worker asked, answers in (or timed out), before the merge. */
export const COLLECTED_EVENT: EventName = Object.freeze(['telemetry', 'cluster', 'collected']);
