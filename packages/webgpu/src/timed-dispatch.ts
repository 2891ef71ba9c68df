import { performance } from 'node:perf_hooks';
import { msToNs, type Measurements } from '@rx-telemetry/core';
import { dispatchInfo, type DispatchInfo } from './command-record.js';
import type { DeviceProbe } from './device-probe.js';
import { failDispatch, openDispatch, stopDispatch } from './dispatch-span.js';
import { rawCopy } from './patch-encoder.js';

/** What the caller declares a dispatch does, so its result and stop event can carry rates. */
export interface Work {
  readonly ops?: number;
  readonly bytes?: number;
}

/** Timing of one dispatch, in nanoseconds and per second. */
export interface RunResult {
  /** CPU side, from submit to the work being done. */
  readonly duration: number;
  /** From timestamp queries, when the device has them. */
  readonly gpuDuration?: number;
  readonly opsPerSecond?: number;
  readonly bandwidthBytesPerSecond?: number;
}

/**
 * One dispatch in a compute pass of its own, awaited: always timed (the caller gets the timing
 * whether or not anyone listens), dispatch events only while someone listens. Encoded with the
 * device's unpatched methods, so the encoder is not recorded a second time.
 */
export async function timedDispatch(
  probe: DeviceProbe,
  pipeline: GPUComputePipeline,
  bindGroup: GPUBindGroup,
  workgroups: readonly [number, number, number],
  work: Work | undefined,
): Promise<RunResult> {
  const device = probe.device;
  const encoder = probe.raw.createCommandEncoder.call(device);
  const slot = probe.timestamps ? probe.pool.acquire() : undefined;
  const pass = encoder.beginComputePass(slot?.nextPassDescriptor(undefined));
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2]);
  pass.end();
  if (slot !== undefined) slot.encodeResolve(encoder, rawCopy(encoder));
  const cb = encoder.finish();
  const events = probe.events.dispatch;
  const t0 = performance.now();
  let d: DispatchInfo | undefined;
  probe.hold();
  try {
    try {
      probe.raw.submit.call(probe.queue, [cb]);
    } catch (error) {
      slot?.release();
      if (events.active) {
        d = singleDispatch(probe.kernelName(pipeline), workgroups, slot !== undefined);
        openDispatch(events, d, probe.deviceId, t0);
        failDispatch(d, error);
      }
      throw error;
    }
    if (events.active) {
      d = singleDispatch(probe.kernelName(pipeline), workgroups, slot !== undefined);
      openDispatch(events, d, probe.deviceId, t0);
    }
    let gpu: number | undefined;
    try {
      if (slot !== undefined) gpu = (await slot.read())[0];
      else await probe.raw.onSubmittedWorkDone.call(probe.queue);
    } catch (error) {
      if (d !== undefined) failDispatch(d, error);
      throw error;
    }
    const t1 = performance.now();
    const result = timing(msToNs(t1 - t0), gpu, work);
    if (d !== undefined) stopDispatch(d, result.duration, extraMeasurements(result), t1);
    return result;
  } finally {
    probe.release();
  }
}

/** The single dispatch of a single (timed or untimed) pass. */
function singleDispatch(kernel: string, workgroups: readonly [number, number, number], timed: boolean): DispatchInfo {
  return dispatchInfo(kernel, workgroups, timed ? 0 : -1, 0);
}

/** Rates use the GPU time when there is one: it excludes submit and wake-up latency. */
function timing(duration: number, gpuDuration: number | undefined, work: Work | undefined): RunResult {
  const seconds = (gpuDuration ?? duration) / 1e9;
  const out: { duration: number; gpuDuration?: number; opsPerSecond?: number; bandwidthBytesPerSecond?: number } = { duration };
  if (gpuDuration !== undefined) out.gpuDuration = gpuDuration;
  if (work?.ops !== undefined && seconds > 0) out.opsPerSecond = work.ops / seconds;
  if (work?.bytes !== undefined && seconds > 0) out.bandwidthBytesPerSecond = work.bytes / seconds;
  return out;
}

/** What the stop adds to core's `duration` and `monotonicTime`, built field by field (an object spread on this path cost µs). */
function extraMeasurements(result: RunResult): Measurements | undefined {
  if (result.gpuDuration === undefined && result.opsPerSecond === undefined && result.bandwidthBytesPerSecond === undefined) return undefined;
  const out: Record<string, number> = {};
  if (result.gpuDuration !== undefined) out.gpuDuration = result.gpuDuration;
  if (result.opsPerSecond !== undefined) out.opsPerSecond = result.opsPerSecond;
  if (result.bandwidthBytesPerSecond !== undefined) out.bandwidthBytesPerSecond = result.bandwidthBytesPerSecond;
  return out;
}
