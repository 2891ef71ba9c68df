// Child process of realistic.bench: one headline path and its peer, in a clean or a realistic
// process. The parent drives it batch by batch (so batches of the clean and the realistic process
// alternate and pair up); argv: <path id> <clean|realistic> <batch ms>.
import { Telemetry } from '@rx-telemetry/core';
import { median } from '../format.js';
import type { Box } from '../peers.js';
import { composeRealistic, type Realistic } from './composition.js';
import { headlinePath, type Loop } from './paths.js';

export type ToWorker = { readonly type: 'batch'; readonly peerFirst: boolean } | { readonly type: 'exit' };
export type FromWorker =
  | { readonly type: 'ready'; readonly loaded: readonly string[]; readonly failed: readonly string[] }
  | { readonly type: 'batch'; readonly ours: number; readonly peer: number }
  | { readonly type: 'error'; readonly message: string };

const [id, kind, batchMsArg] = process.argv.slice(2);
const batchMs = Number(batchMsArg ?? 40);
const CHUNKS = 5;

function send(m: FromWorker): void {
  process.send?.(m);
}

async function calibrate(loop: Loop): Promise<number> {
  let n = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    await loop(n);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms >= batchMs / 4 || n >= 1e9) return Math.max(1, Math.round((n * batchMs) / Math.max(ms, 0.001)));
    n *= 4;
  }
}

/**
 * ns per operation for one batch: the median of five chunks of it, so a preemption by a neighbour
 * (this machine is shared) spoils one chunk rather than the batch. A synchronous loop runs
 * synchronously (no await between chunks), as it would in a program.
 */
function timedSync(loop: (n: number) => void, n: number): number {
  const chunk = Math.max(1, Math.round(n / CHUNKS));
  const out: number[] = [];
  for (let c = 0; c < CHUNKS; c++) {
    const t0 = process.hrtime.bigint();
    loop(chunk);
    out.push(Number(process.hrtime.bigint() - t0) / chunk);
  }
  return median(out);
}

async function timedAsync(loop: Loop, n: number): Promise<number> {
  const chunk = Math.max(1, Math.round(n / CHUNKS));
  const out: number[] = [];
  for (let c = 0; c < CHUNKS; c++) {
    const t0 = process.hrtime.bigint();
    await loop(chunk);
    out.push(Number(process.hrtime.bigint() - t0) / chunk);
  }
  return median(out);
}

/** Times a loop, synchronously when it is synchronous (its first call returned no promise). */
function timer(loop: Loop, sync: boolean): (n: number) => number | Promise<number> {
  return sync ? (n) => timedSync(loop as (n: number) => void, n) : (n) => timedAsync(loop, n);
}

async function main(): Promise<void> {
  if (kind !== 'clean' && kind !== 'realistic') throw new Error(`worker: kind must be clean or realistic, got ${kind}`);
  const bus = new Telemetry();
  const box: Box = { acc: 0.5 };
  let realistic: Realistic | undefined;
  if (kind === 'realistic') realistic = await composeRealistic(bus);
  const path = headlinePath(id);
  const cases = await path.build(bus, realistic, box);
  // Warm both loops (about 300 ms each), then size a batch to batchMs.
  const oursSync = !(cases.ours(1) instanceof Promise);
  const peerSync = !(cases.peer(1) instanceof Promise);
  for (const loop of [cases.ours, cases.peer]) {
    const n = await calibrate(loop);
    for (let w = 0; w < Math.ceil(300 / batchMs); w++) await loop(n);
  }
  const nOurs = await calibrate(cases.ours);
  const nPeer = await calibrate(cases.peer);
  const timeOurs = timer(cases.ours, oursSync);
  const timePeer = timer(cases.peer, peerSync);
  send({ type: 'ready', loaded: realistic?.loaded ?? [], failed: realistic?.failed ?? [] });
  const fail = (e: unknown): void => send({ type: 'error', message: (e as Error).stack ?? String(e) });
  process.on('message', (msg: ToWorker) => {
    if (msg.type === 'exit') {
      void (async () => {
        await cases.stop?.();
        await realistic?.stop();
        if (box.acc === 0) console.error('worker: nothing was measured');
        process.disconnect();
      })().catch(fail);
      return;
    }
    try {
      // Synchronous loops are timed synchronously, in this message's callback.
      const [timeA, nA, timeB, nB] = msg.peerFirst ? [timePeer, nPeer, timeOurs, nOurs] : [timeOurs, nOurs, timePeer, nPeer];
      const reply = (a: number, b: number): void => send({ type: 'batch', ours: msg.peerFirst ? b : a, peer: msg.peerFirst ? a : b });
      const first = timeA(nA);
      if (typeof first === 'number') {
        const second = timeB(nB);
        if (typeof second === 'number') reply(first, second);
        else void second.then((b) => reply(first, b)).catch(fail);
        return;
      }
      // One after the other: the second loop starts once the first is done.
      void first.then(async (a) => reply(a, await timeB(nB))).catch(fail);
    } catch (e) {
      fail(e);
    }
  });
}

main().catch((e: unknown) => {
  send({ type: 'error', message: (e as Error).stack ?? String(e) });
  process.exitCode = 1;
});
