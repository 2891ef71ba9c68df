// WebGPU instrumentation on real Dawn (lavapipe on CPU-only machines, a GPU where there is one):
// the same dispatch code on a plain device and on instrumented ones, interleaved in one
// process; then matmul and HDC throughput for the record.
import { Telemetry } from '@rx-telemetry/core';
import { instrument, requestAdapter, type RunResult } from '@rx-telemetry/webgpu';
import { ComputeBackend, HDC_COSINE_WGSL, MATMUL_WGSL, VECTOR_ADD_WGSL, grid1d, matmulWorkgroups } from '@rx-telemetry/webgpu-kernels';
import { atMost, pick, ratio, report, type BudgetCheck, type CaseResult, type SuiteResult } from './harness.js';

const STORAGE = 0x80, COPY_DST = 0x08, UNIFORM = 0x40, COPY_SRC = 0x04, MAP_READ = 0x01, QUERY_RESOLVE = 0x200;

interface AsyncCase {
  readonly name: string;
  /** Runs the operation `n` times (awaited one after another). */
  readonly loop: (n: number) => Promise<void>;
  /** Runs untimed before each sample (attaching or detaching handlers). */
  readonly prepare?: () => void;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A seeded order for each round: every case follows every other (a fixed rotation let one case always follow the same neighbour and inherit its leftovers). */
function shuffled(n: number, round: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let seed = (round + 1) * 2654435761;
  for (let i = n - 1; i > 0; i--) {
    seed = (Math.imul(seed ^ (seed >>> 15), 2246822507) + 0x6d2b79f5) >>> 0;
    const j = seed % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * Awaited operations in rounds: each round runs every case once, a batch of `perBatch`
 * operations each timed on its own, in a shuffled order; the median over all samples is
 * reported and the per-batch medians pair up round by round. Batches rather than
 * case-per-sample turns: with listeners attached and detached before every sample, the
 * listeners' cost leaked into the next sample and made the difference look half as large.
 * After each batch `drain` lets what the batch left behind finish (timestamp reads, stop
 * events), so it is not charged to whichever case runs next.
 */
async function measureAsync(cases: readonly AsyncCase[], perBatch: number, batches: number, drain: () => Promise<void>, group: number): Promise<CaseResult[]> {
  for (const c of cases) {
    c.prepare?.();
    await c.loop(Math.max(3, perBatch >> 2));
    await drain();
  }
  const all = cases.map(() => [] as number[]);
  const perBatchMedians = cases.map(() => [] as number[]);
  for (let b = 0; b < batches; b++) {
    for (const i of shuffled(cases.length, b)) {
      cases[i].prepare?.();
      const batch: number[] = [];
      for (let r = 0; r < perBatch; r++) {
        const t0 = process.hrtime.bigint();
        await cases[i].loop(1);
        batch.push(Number(process.hrtime.bigint() - t0));
      }
      await drain();
      all[i].push(...batch);
      perBatchMedians[i].push(median(batch));
    }
  }
  return cases.map((c, i) => ({ name: c.name, nsPerOp: median(all[i]), batches: perBatchMedians[i], group }));
}

/**
 * The added cost of case `a` over case `b`: the median over rounds of the difference of their
 * batch medians in the same round. Each round runs every case once, milliseconds apart, so
 * drift and neighbours' load cancel in the pair; a difference of two medians over the whole run
 * does not cancel them (on this shared VM it wandered by several µs).
 */
function paired(a: CaseResult, b: CaseResult): number {
  return median(a.batches.map((v, i) => v - b.batches[i]));
}

/** Whole batches timed as one sample (pipelined work), one per case per round in shuffled order; median per case. */
async function measurePipelined(cases: readonly AsyncCase[], perBatch: number, batches: number, drain: () => Promise<void>, group: number): Promise<CaseResult[]> {
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

/** `n` vector-add dispatches submitted back to back, then one wait: the JS thread's cost per dispatch. */
function pipelined(device: GPUDevice, size: number): (n: number) => Promise<void> {
  const encodeAndSubmit = dispatcher(device, size, false) as () => void;
  return async (n) => {
    for (let i = 0; i < n; i++) encodeAndSubmit();
    await device.queue.onSubmittedWorkDone();
  };
}

/**
 * One vector-add dispatch written as plain WebGPU code, as a user would write it. With
 * `handTimestamps`, the code itself issues what the package adds to a timed dispatch (timestamp
 * writes on the pass, resolveQuerySet, a copy to a readback buffer, a mapAsync read after the
 * work is done, not awaited by the caller): the same GPU commands without the package.
 */
type HandHandler = (event: readonly string[], measurements: Record<string, number>, metadata: Record<string, unknown>) => void;
const START = ['compute', 'kernel', 'dispatch', 'start'] as const;
const STOP = ['compute', 'kernel', 'dispatch', 'stop'] as const;

/**
 * With `handEvents`, the loop emits the dispatch's start and stop itself, the least a program
 * could do to get them (kernel and workgroups noted while encoding, a clock read before submit, a
 * start after it, a reaction on the completion promise that emits the stop before the caller
 * continues), calling the handler directly: no package, no bus. The package does the same and
 * more (any encoder, several dispatches per pass, a fallback wait, the bus).
 */
function dispatcher(device: GPUDevice, n: number, wait = true, handTimestamps = false, handEvents?: HandHandler): () => Promise<void> | void {
  const module = device.createShaderModule({ code: VECTOR_ADD_WGSL });
  const pipeline = device.createComputePipeline({ label: 'vector_add', layout: 'auto', compute: { module, entryPoint: 'main' } });
  const bytes = 4 * n;
  const buffers = [0, 1, 2].map(() => device.createBuffer({ size: bytes, usage: STORAGE | COPY_DST }));
  const size = device.createBuffer({ size: 16, usage: UNIFORM | COPY_DST });
  device.queue.writeBuffer(size, 0, Uint32Array.of(n, 0, 0, 0));
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [...buffers, size].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const [x, y] = grid1d(Math.ceil(n / 256));
  const querySet = handTimestamps ? device.createQuerySet({ type: 'timestamp', count: 2 }) : undefined;
  const resolve = handTimestamps ? device.createBuffer({ size: 16, usage: QUERY_RESOLVE | COPY_SRC }) : undefined;
  // A few readback buffers in rotation, as the package's pool has: a read may still be mapping.
  const readbacks = handTimestamps ? Array.from({ length: 4 }, () => device.createBuffer({ size: 16, usage: MAP_READ | COPY_DST })) : [];
  let next = 0;
  let pending: GPUBuffer | undefined;
  let spanSeq = 0;
  let open: { kernel: string; device: string; workgroups: number[]; spanId: number } | undefined;
  let t0 = 0;
  const submit = (): void => {
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass(
      querySet === undefined ? undefined : { timestampWrites: { querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } },
    );
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(x, y);
    if (handEvents !== undefined) open = { kernel: 'vector_add', device: 'hand', workgroups: [x, y ?? 1, 1], spanId: 0 };
    pass.end();
    if (querySet !== undefined && resolve !== undefined) {
      pending = readbacks[next++ % readbacks.length];
      encoder.resolveQuerySet(querySet, 0, 2, resolve, 0);
      encoder.copyBufferToBuffer(resolve, 0, pending, 0, 16);
    }
    const cb = encoder.finish();
    t0 = performance.now();
    device.queue.submit([cb]);
    if (handEvents !== undefined && open !== undefined) {
      open.spanId = ++spanSeq;
      // Literals, not spreads: an object spread here cost ~3 µs per dispatch (cold CloneObjectIC).
      handEvents(START, { monotonicTime: Math.round(t0 * 1e6), systemTime: Math.round(performance.timeOrigin + t0) }, { kernel: open.kernel, device: open.device, workgroups: open.workgroups, spanId: open.spanId });
    }
  };
  if (!wait) return submit;
  return async () => {
    submit();
    const done = device.queue.onSubmittedWorkDone();
    const span = open;
    if (handEvents !== undefined && span !== undefined) {
      const started = t0;
      void done.then(() => {
        const t1 = performance.now();
        const duration = Math.round((t1 - started) * 1e6);
        const category = duration < 1e6 ? 'fast' : 'normal';
        handEvents(STOP, { duration, monotonicTime: Math.round(t1 * 1e6) }, { kernel: span.kernel, device: span.device, workgroups: span.workgroups, spanId: span.spanId, category });
      });
    }
    await done;
    const readback = pending;
    if (readback !== undefined) {
      pending = undefined;
      handReads++;
      void readback.mapAsync(MAP_READ).then(() => {
        const ticks = new BigUint64Array(readback.getMappedRange());
        handTicks += Number(ticks[1] - ticks[0]);
        readback.unmap();
        handReads--;
      });
    }
  };
}

let handTicks = 0;
/** Hand-written timestamp reads still mapping. */
let handReads = 0;

function loopOf(op: () => Promise<void> | void): (n: number) => Promise<void> {
  return async (n) => {
    for (let i = 0; i < n; i++) await op();
  };
}

export async function run(): Promise<SuiteResult> {
  const { adapter, backend: kind } = await requestAdapter();
  const info = adapter.info;
  console.log(`\nadapter: ${info.description || info.device} (vendor ${info.vendor}, ${info.architecture}; Dawn backend: ${kind})`);
  const features: GPUFeatureName[] = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
  // A WebGPU adapter hands out one device; every device here gets a fresh adapter.
  const newDevice = async (): Promise<GPUDevice> => (await requestAdapter()).adapter.requestDevice({ requiredFeatures: features });
  const plain = await adapter.requestDevice({ requiredFeatures: features });
  let sink = 0;
  // Each instrumented device is compared with itself, handlers attached vs detached: two Dawn
  // devices differ by several µs in wake-up latency on their own, which would drown a 2 µs
  // budget if the baseline were another device.
  const toggled = async (timestamps: boolean, id: string) => {
    const telemetry = new Telemetry();
    const gpu = instrument(telemetry, await newDevice(), { deviceId: id, timestamps: timestamps && features.length !== 0 });
    const events = [['compute', 'kernel', 'dispatch', 'start'], ['compute', 'kernel', 'dispatch', 'stop']];
    const on = (): void => {
      if (telemetry.listHandlers().length === 0) telemetry.attachMany('bench', events, (_e, m) => void (sink += m.duration ?? m.monotonicTime));
    };
    const off = (): void => void telemetry.detach('bench');
    return { gpu, on, off };
  };
  const events = await toggled(false, 'events');
  const stamped = await toggled(true, 'timestamps');
  /** Between batches: every device's work done, hand-written reads mapped, then a millisecond idle for the package's reads and stops. */
  const drain = async (): Promise<void> => {
    for (const d of [plain, events.gpu.device, stamped.gpu.device]) await d.queue.onSubmittedWorkDone();
    for (let i = 0; handReads !== 0 && i < 1000; i++) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 1));
  };

  // 1. A tiny kernel: the round trip is all submit and wake-up latency, so added work shows in full.
  const tiny = 256;
  const cases = (n: number, label: string): AsyncCase[] => {
    const ev = loopOf(dispatcher(events.gpu.device, n));
    const ts = loopOf(dispatcher(stamped.gpu.device, n));
    const tsByHand = features.length === 0 ? undefined : loopOf(dispatcher(stamped.gpu.device, n, true, true));
    const eventsByHand = loopOf(dispatcher(events.gpu.device, n, true, false, (_e, m) => void (sink += m.duration ?? m.monotonicTime)));
    const byHand: AsyncCase[] = [
      { name: `events emitted by hand (no package), nobody listening, ${label}`, loop: eventsByHand, prepare: events.off },
      ...(tsByHand === undefined ? [] : [{ name: `timestamp commands written by hand, nobody listening, ${label}`, loop: tsByHand, prepare: stamped.off }]),
    ];
    return [
      { name: `plain device, ${label}`, loop: loopOf(dispatcher(plain, n)) },
      { name: `instrumented, nobody listening, ${label}`, loop: ev, prepare: events.off },
      { name: `instrumented, start+stop handlers, ${label}`, loop: ev, prepare: events.on },
      { name: `instrumented + timestamps, nobody listening, ${label}`, loop: ts, prepare: stamped.off },
      { name: `instrumented + timestamps, handlers, ${label}`, loop: ts, prepare: stamped.on },
      ...byHand,
    ];
  };
  // 240 rounds of 20: a 0.5 µs budget on a ~45 µs round trip needs many pairs (80 rounds of 40
  // gave paired differences that moved by ±0.6 µs from run to run under load).
  const small = await measureAsync(cases(tiny, 'tiny'), 20, pick(240, 60), drain, 1001);
  const budgets: BudgetCheck[] = [
    atMost('added per dispatch by dispatch events (same device, handlers on vs off, paired rounds)', paired(small[2], small[1]), 2000),
    { name: 'instrumented idle vs plain device (different devices, for reference)', ok: true, detail: `${(small[1].nsPerOp - small[0].nsPerOp).toFixed(0)} ns` },
    { name: 'timestamp queries, per dispatch (record: the driver runs them)', ok: true, detail: `${(small[4].nsPerOp - small[2].nsPerOp).toFixed(0)} ns` },
  ];
  budgets.push({
    name: 'events emitted by hand, no package (same device as the events case, for reference)',
    ok: true,
    detail: `${paired(small[5], small[1]).toFixed(0)} ns added; the package adds ${paired(small[2], small[1]).toFixed(0)} ns (paired rounds)`,
  });
  if (small.length > 6) {
    // Like for like: the same device and the same GPU commands (timestamp writes, resolve, copy,
    // readback), once issued by the package for its listeners and once by hand with nobody
    // listening. What remains is the package's own cost on a timed dispatch, its events
    // included. The hand arm starts its mapAsync right after its await, as a program would;
    // the package starts its read a turn later, while the next dispatch runs (that is part of
    // what is measured: the package's choice of where its work goes).
    budgets.push(
      atMost('timed dispatch: package (handlers on) vs the same timestamp commands by hand (same device, paired rounds)', paired(small[4], small[6]), 2000),
      { name: 'timestamp commands by hand vs none (same device; the driver\'s cost, no package code)', ok: true, detail: `${paired(small[6], small[3]).toFixed(0)} ns` },
    );
  }

  // 1b. The same tiny kernel pipelined: 20 dispatches submitted back to back, then one wait.
  //     No per-dispatch wake-up: what remains is the JS thread's own work per dispatch. Short
  //     batches and many rounds keep each pair close in time: with 40 rounds of 50 under a load
  //     of ~7 on 2 cores, batches ranged 30-320 µs per dispatch and the paired median swung by 20 µs.
  const piped = await measurePipelined(
    [
      { name: 'pipelined tiny dispatches, nobody listening', loop: pipelined(events.gpu.device, tiny), prepare: events.off },
      { name: 'pipelined tiny dispatches, start+stop handlers', loop: pipelined(events.gpu.device, tiny), prepare: events.on },
    ],
    20,
    pick(300, 80),
    drain,
    1002,
  );
  budgets.push(atMost('added per pipelined dispatch by dispatch events (JS-thread cost)', paired(piped[1], piped[0]), 2000));

  // 2. A ~1 ms kernel: grow the vector until the plain dispatch's median is about 1 ms.
  let n = 1 << 14;
  for (let step = 0; step < 10; step++) {
    const op = dispatcher(plain, n);
    await op();
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      const t0 = performance.now();
      await op();
      times.push(performance.now() - t0);
    }
    const ms = median(times);
    if ((ms >= 0.9 && ms <= 1.2) || n >= 1 << 24) break;
    n = Math.min(1 << 24, Math.ceil(n / Math.max(ms, 0.05)));
  }
  // 150 rounds of 4: short batches keep the pairs close in time (a 1% budget on a kernel that
  // lavapipe runs on threads shared with the machine's load).
  const oneMs = await measureAsync(cases(n, `~1 ms kernel (n=${n})`), 4, pick(150, 40), drain, 1003);
  /** `a` relative to `b` from their paired difference. */
  const pairedRatio = (a: CaseResult, b: CaseResult): number => (b.nsPerOp + paired(a, b)) / b.nsPerOp;
  budgets.push(
    ratio('1 ms kernel, dispatch events on vs off (same device, paired rounds)', pairedRatio(oneMs[2], oneMs[1]), 1, 1.01),
    ...(oneMs.length > 6 ? [ratio('1 ms kernel, timed dispatch: package vs the same timestamp commands by hand (same device, paired rounds)', pairedRatio(oneMs[4], oneMs[6]), 1, 1.01)] : []),
    { name: '1 ms kernel, events + timestamp queries vs plain (record)', ok: true, detail: `${(oneMs[4].nsPerOp / oneMs[0].nsPerOp).toFixed(3)}x` },
  );
  events.on();
  stamped.on();

  // 3. Throughput for the record, timed by the backend (GPU timestamps when available).
  const backend = new ComputeBackend(stamped.gpu);
  const throughput: CaseResult[] = [];
  const records: BudgetCheck[] = [];
  {
    const m = 256, k = 256, nn = 256;
    const kernel = await backend.kernel('matmul', MATMUL_WGSL);
    const bufs = [backend.buffer(4 * m * k), backend.buffer(4 * k * nn), backend.buffer(4 * m * nn), backend.upload(Uint32Array.of(m, k, nn, 0), UNIFORM | COPY_DST)];
    const runs: RunResult[] = [];
    for (let i = 0; i < 12; i++) runs.push(await backend.run(kernel, bufs, matmulWorkgroups({ m, k, n: nn }), { ops: 2 * m * k * nn }));
    const steady = runs.slice(2);
    const ns = median(steady.map((r) => r.gpuDuration ?? r.duration));
    throughput.push({ name: `matmul ${m}x${k}x${nn} (per matmul)`, nsPerOp: ns, batches: steady.map((r) => r.gpuDuration ?? r.duration) });
    records.push({ name: 'matmul GFLOP/s (record)', ok: true, detail: `${((2 * m * k * nn) / ns).toFixed(2)} GFLOP/s (${runs[0].gpuDuration === undefined ? 'CPU-side' : 'GPU'} time)` });
    for (const b of bufs) b.destroy();
  }
  {
    const dim = 10_000, count = 1000;
    const kernel = await backend.kernel('hdc_cosine', HDC_COSINE_WGSL);
    const vectors = new Float32Array(dim * count).map((_, i) => ((i * 2654435761) >>> 0) % 2 === 0 ? 1 : -1);
    const bufs = [backend.upload(vectors.subarray(0, dim)), backend.upload(vectors), backend.buffer(4 * count), backend.upload(Uint32Array.of(dim, count, 0, 0), UNIFORM | COPY_DST)];
    const runs: RunResult[] = [];
    for (let i = 0; i < 12; i++) runs.push(await backend.run(kernel, bufs, grid1d(count)));
    const steady = runs.slice(2);
    const ns = median(steady.map((r) => r.gpuDuration ?? r.duration));
    throughput.push({ name: `HDC cosine, ${count} x ${dim}-dim (per vector)`, nsPerOp: ns / count, batches: steady.map((r) => (r.gpuDuration ?? r.duration) / count) });
    records.push({ name: 'HDC cosine vectors/s (record)', ok: true, detail: `${((count * 1e9) / ns).toFixed(0)} vectors/s of ${dim} dims` });
    for (const b of bufs) b.destroy();
  }
  records.push({ name: 'adapter', ok: true, detail: `${info.description || info.device} (${info.vendor}/${info.architecture}, backend ${kind})` });
  if (sink === 0) throw new Error('the dispatch handlers never ran: the instrumented cases measured nothing');
  if (features.length !== 0 && handTicks === 0) throw new Error('the hand-written timestamp reads never completed');
  const suite = report('webgpu', [...small, ...piped, ...oneMs, ...throughput], [small[1].name, oneMs[1].name], [...budgets, ...records]);

  for (const d of [events.gpu, stamped.gpu]) d.destroy();
  plain.destroy();
  return suite;
}
