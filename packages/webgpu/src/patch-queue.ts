import type { DeviceProbe } from './device-probe.js';
import type { Overrides } from './overrides.js';

/** submit() opens dispatch/copy spans for recorded command buffers; writeBuffer is a transfer. */
export function patchQueue(queue: GPUQueue, probe: DeviceProbe, overrides: Overrides): void {
  const { raw, events, deviceId } = probe;
  overrides.set(queue, 'submit', function (commandBuffers: Iterable<GPUCommandBuffer>): undefined {
    // Nothing recorded since the last submit: straight to Dawn.
    if (probe.pending === 0) return raw.submit.call(queue, commandBuffers);
    return probe.submit(commandBuffers);
  });
  overrides.set(queue, 'onSubmittedWorkDone', function (): Promise<undefined> {
    const done = raw.onSubmittedWorkDone.call(queue);
    probe.watch(done);
    return done;
  });
  overrides.set(queue, 'writeBuffer', function (buffer: GPUBuffer, offset: number, data: ArrayBufferView | ArrayBufferLike, dataOffset?: number, size?: number): undefined {
    const args = arguments as unknown as Parameters<GPUQueue['writeBuffer']>;
    if (!events.transfer.active) return raw.writeBuffer.apply(queue, args);
    const bytes = writeSize(data, dataOffset, size);
    const span = events.transfer.start({ device: deviceId, direction: 'host_to_device', label: buffer.label });
    try {
      raw.writeBuffer.apply(queue, args);
    } catch (error) {
      span.measure({ bytes });
      span.exception(error);
      throw error;
    }
    span.stop({ bytes });
    return undefined;
  } as GPUQueue['writeBuffer']);
}

/** For a TypedArray, dataOffset and size count elements; for other sources, bytes (WebGPU spec). */
function writeSize(data: ArrayBufferView | ArrayBufferLike, dataOffset = 0, size?: number): number {
  const unit = ArrayBuffer.isView(data) ? ((data as Partial<Float32Array>).BYTES_PER_ELEMENT ?? 1) : 1;
  return (size ?? data.byteLength / unit - dataOffset) * unit;
}
