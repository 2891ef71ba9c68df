// How the webgpu suite times awaited dispatches: cases in short batches, every case once per round
// in a shuffled order, so that the load of a shared 2-core VM (which moves the absolute time of a
// ~60 µs dispatch by several µs from one millisecond to the next) cancels in each pair.
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
 * Awaited operations in short batches: each round runs every case once, `perBatch` operations in a
 * row each timed on its own, in a seeded shuffled order; after each batch the event loop turns
 * and the case's `settle` waits for what the batch left behind (no fixed idle). A batch's median is
 * its round's entry, so entry i of two cases pairs up; nsPerOp is the median of all samples.
 *
 * Why short batches and no idle: the load moves a ~60 µs awaited dispatch by several µs within
 * milliseconds, and a pair's halves must sit close in time. Batches of 20 with a 1 ms idle after
 * each put them up to ~20 ms apart: two identical arms then differed with a bootstrap standard
 * error of 190-550 ns (150 rounds, 3 s, lavapipe). One dispatch per case per round resolved
 * ~80-150 ns but changed what was measured: run that way, interleaved with the other cases, the
 * by-hand arm's own code ran colder than in a loop of its own, and the package read 0.3-0.8 µs
 * closer to it than in batches of 8 run alternately in the same process (2 runs, load ~5); batches
 * of 8 with a turn after each: 110-245 ns (400 rounds, 3-5 s). A batch still runs the way a
 * program's loop does, each dispatch after the previous one and its leftovers (a timestamp read
 * started after the await).
 *
 * The first `warmRounds` rounds run the same way and are dropped: with 50 dispatches per case of
 * warm-up, the package's distance from the by-hand arm still fell through the run (medians by
 * quarter of 800 rounds, 4 full runs: +1.2..+3.0 µs in the first, −0.5..+0.6 µs in the last), so
 * the first quarter measured code still warming up rather than a loop's steady state.
 */
export async function measureRounds(cases: readonly AsyncCase[], rounds: number, perBatch: number, group: number, warmRounds: number): Promise<CaseResult[]> {
  const all = cases.map(() => [] as number[]);
  const entries = cases.map(() => [] as number[]);
  for (let r = -warmRounds; r < rounds; r++) {
    for (const i of shuffled(cases.length, r)) {
      const c = cases[i];
      c.prepare?.();
      const batch: number[] = [];
      for (let k = 0; k < perBatch; k++) {
        const t0 = process.hrtime.bigint();
        await c.loop(1);
        batch.push(Number(process.hrtime.bigint() - t0));
      }
      await turn();
      if (c.settle !== undefined) await c.settle();
      if (r < 0) continue;
      all[i].push(...batch);
      entries[i].push(median(batch));
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
