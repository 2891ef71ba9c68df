// The plain WebGPU code every webgpu bench case runs (a vector-add dispatch as a user writes it),
// and the "by hand" arms: the dispatch's two events emitted by the loop itself (no package, no
// bus), and the package's timestamp commands written out with nobody listening.
import { VECTOR_ADD_WGSL, grid1d } from '@rx-telemetry/webgpu-kernels';

const STORAGE = 0x80, COPY_DST = 0x08, UNIFORM = 0x40, COPY_SRC = 0x04, MAP_READ = 0x01, QUERY_RESOLVE = 0x200;

/** `n` vector-add dispatches submitted back to back, then one wait: the JS thread's cost per dispatch. */
export function pipelined(device: GPUDevice, size: number): (n: number) => Promise<void> {
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
export type HandHandler = (event: readonly string[], measurements: Record<string, number>, metadata: Record<string, unknown>) => void;
const START = ['compute', 'kernel', 'dispatch', 'start'] as const;
const STOP = ['compute', 'kernel', 'dispatch', 'stop'] as const;

/**
 * With `handEvents`, the loop emits the dispatch's start and stop itself, the least a program
 * could do to get them (kernel and workgroups noted while encoding, a clock read before submit, a
 * start after it, a reaction on the completion promise that emits the stop before the caller
 * continues), calling the handler directly: no package, no bus. The package does the same and
 * more (any encoder, several dispatches per pass, a fallback wait, the bus).
 */
export function dispatcher(device: GPUDevice, n: number, wait = true, handTimestamps = false, handEvents?: HandHandler): () => Promise<void> | void {
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

/** Hand-written timestamp reads still mapping (the rounds wait for them after each sample). */
export function handReadsPending(): number {
  return handReads;
}

/** The GPU ticks the hand-written timestamp reads summed (non-zero once one completed). */
export function handTicksRead(): number {
  return handTicks;
}

export function loopOf(op: () => Promise<void> | void): (n: number) => Promise<void> {
  return async (n) => {
    for (let i = 0; i < n; i++) await op();
  };
}
