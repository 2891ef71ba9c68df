// How the webgpu suite times awaited dispatches: cases interleaved one operation at a time, so that
// the load of a shared 2-core VM (which moves the absolute time of a ~60 µs dispatch by tens of
// µs from one millisecond to the next) cancels in each pair.
import type { CaseResult } from './harness.js';

export interface AsyncCase {
  readonly name: string;
  /** Runs the operation `n` times (awaited one after another). */
  readonly loop: (n: number) => Promise<void>;
  /** Runs untimed before each sample (attaching or detaching handlers). */
  readonly prepare?: () => void;
  /**
   * Runs untimed after each of its samples, until what the sample left behind is done (timestamp
   * reads and the stop events that follow them), so it is not charged to whichever case runs next.
   */
  readonly settle?: () => Promise<void>;
  /**
   * Runs one untimed operation right before each timed one, so the timed one carries what its
   * predecessor left running (a timestamp read started after the await), as every dispatch of a
   * loop does; what the timed one leaves is then settled untimed.
   */
  readonly carry?: boolean;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A seeded order for each round: every case follows every other (a fixed rotation let one case always follow the same neighbour and inherit its leftovers). */
export function shuffled(n: number, round: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let seed = (round + 1) * 2654435761;
  for (let i = n - 1; i > 0; i--) {
    seed = (Math.imul(seed ^ (seed >>> 15), 2246822507) + 0x6d2b79f5) >>> 0;
    const j = seed % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Awaited operations interleaved one at a time: each round runs every case once, in a seeded
 * shuffled order; each operation is timed on its own, then the event loop turns (and the case's
 * `settle` waits for what it left behind). Every `fold` rounds make one entry per case, the median
 * of its `fold` samples, so entry i of two cases covers the same rounds and pairs up; nsPerOp is
 * the median of all samples.
 *
 * Why one at a time: the load moves a ~60 µs awaited dispatch by several µs within milliseconds,
 * and the pair whose difference is measured must sit as close in time as possible. The earlier
 * rounds (a batch of 20 per case, a 1 ms idle after each) put the two halves of a pair up to six
 * batches (~20 ms) apart: on lavapipe, in one process, the paired difference of two identical arms
 * then had a bootstrap standard error of ~200-550 ns (150 rounds, 3 s); one at a time, ~100 ns
 * (3,000 rounds, 2 s). Handlers attached or detached before each operation did not leak into the
 * next one: a sample's time did not depend on which case ran before it (3,000 rounds, medians by
 * predecessor within ±1 µs, their own noise).
 */
export async function measureInterleaved(cases: readonly AsyncCase[], rounds: number, fold: number, group: number): Promise<CaseResult[]> {
  for (const c of cases) {
    c.prepare?.();
    await c.loop(50);
    await turn();
    await c.settle?.();
  }
  const all = cases.map(() => [] as number[]);
  const entries = cases.map(() => [] as number[]);
  let block = cases.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (const i of shuffled(cases.length, r)) {
      const c = cases[i];
      c.prepare?.();
      if (c.carry === true) await c.loop(1);
      const t0 = process.hrtime.bigint();
      await c.loop(1);
      const ns = Number(process.hrtime.bigint() - t0);
      await turn();
      if (c.settle !== undefined) await c.settle();
      all[i].push(ns);
      block[i].push(ns);
    }
    if (block[0].length === fold) {
      for (let i = 0; i < cases.length; i++) entries[i].push(median(block[i]));
      block = cases.map(() => []);
    }
  }
  return cases.map((c, i) => ({ name: c.name, nsPerOp: median(all[i]), batches: entries[i], group }));
}

/**
 * The added cost of case `a` over case `b`: the median over entries of their difference (entries
 * cover the same rounds). The same estimator `pnpm bench --check` applies to a "diff" budget.
 */
export function paired(a: CaseResult, b: CaseResult): number {
  return median(a.batches.map((v, i) => v - b.batches[i]));
}

/** Whole batches timed as one sample (pipelined work), one per case per round in shuffled order; median per case. */
export async function measurePipelined(cases: readonly AsyncCase[], perBatch: number, batches: number, drain: () => Promise<void>, group: number): Promise<CaseResult[]> {
  const samples = cases.map(() => [] as number[]);
  for (const c of cases) {
    c.prepare?.();
    await c.loop(perBatch);
    await drain();
  }
  for (let b = 0; b < batches; b++) {
    for (const i of shuffled(cases.length, b)) {
      cases[i].prepare?.();
      const t0 = process.hrtime.bigint();
      await cases[i].loop(perBatch);
      samples[i].push(Number(process.hrtime.bigint() - t0) / perBatch);
      await drain();
    }
  }
  return cases.map((c, i) => ({ name: c.name, nsPerOp: median(samples[i]), batches: samples[i], group }));
}
