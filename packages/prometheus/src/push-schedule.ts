import type { PushOptions } from './push.js';

export interface PushEveryOptions extends PushOptions {
  /** Milliseconds between pushes (the timer is unref'd: it never keeps the process alive). */
  readonly intervalMs: number;
}

/** A running `pushEvery()`: `stop()` clears its timer and makes one final push. */
export interface Pushing {
  /** Idempotent: every call returns the same promise, which rejects when the final push failed. */
  stop(): Promise<void>;
}

/**
 * Pushes every `intervalMs`, one push at a time (a tick while a push is in flight is skipped: the
 * next push replaces the group with cumulative values anyway). A failing push rejects nothing
 * here: `push` reports it as its span's exception event.
 */
export function schedulePushes(push: () => Promise<void>, intervalMs: number): Pushing {
  if (typeof intervalMs !== 'number' || !Number.isInteger(intervalMs) || intervalMs < 1) {
    throw new TypeError(`pushEvery: intervalMs must be a positive integer of ms, got ${String(intervalMs)}`);
  }
  let inFlight: Promise<void> | undefined;
  const tick = (): void => {
    if (inFlight !== undefined) return;
    inFlight = push()
      .catch(() => undefined)
      .finally(() => {
        inFlight = undefined;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  let stopping: Promise<void> | undefined;
  return {
    stop: () =>
      (stopping ??= (async () => {
        clearInterval(timer);
        await inFlight;
        await push();
      })()),
  };
}
