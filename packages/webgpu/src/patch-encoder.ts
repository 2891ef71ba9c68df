import { newRecord, type CommandRecord } from './command-record.js';
import type { DeviceProbe } from './device-probe.js';

/**
 * Makes one command encoder record its dispatches and copies, and gives each compute pass
 * timestamp writes when the device has them and the caller set none. Only encoders created
 * while someone listens are patched; the others stay plain Dawn objects.
 */
export function patchEncoder(encoder: GPUCommandEncoder, probe: DeviceProbe): void {
  const proto = Object.getPrototypeOf(encoder) as GPUCommandEncoder;
  const rec = newRecord();
  encoder.beginComputePass = function (descriptor?: GPUComputePassDescriptor): GPUComputePassEncoder {
    let timed = -1;
    let desc = descriptor;
    if (probe.timestamps && descriptor?.timestampWrites === undefined) {
      rec.slot ??= probe.pool.acquire();
      const writes = rec.slot?.nextPass();
      if (writes !== undefined) {
        timed = rec.slot!.passes - 1;
        desc = { ...descriptor, timestampWrites: writes };
      }
    }
    const pass = proto.beginComputePass.call(encoder, desc);
    rec.passSlot.push(timed);
    rec.passDispatches.push(0);
    patchPass(pass, rec, rec.passSlot.length - 1, probe);
    return pass;
  };
  encoder.copyBufferToBuffer = function (this: GPUCommandEncoder, ...args: unknown[]): undefined {
    rec.copies.push(copySize(args));
    return (proto.copyBufferToBuffer as (...a: unknown[]) => undefined).apply(encoder, args);
  } as GPUCommandEncoder['copyBufferToBuffer'];
  encoder.finish = function (descriptor?: GPUCommandBufferDescriptor): GPUCommandBuffer {
    const slot = rec.slot;
    if (slot !== undefined) {
      if (slot.passes === 0) {
        slot.release();
        rec.slot = undefined;
      } else slot.encodeResolve(encoder, proto.copyBufferToBuffer);
    }
    const cb = proto.finish.call(encoder, descriptor);
    if (rec.dispatches.length !== 0 || rec.copies.length !== 0 || rec.slot !== undefined) {
      probe.records.set(cb, rec);
      probe.pending++;
    }
    return cb;
  };
}

function patchPass(pass: GPUComputePassEncoder, rec: CommandRecord, index: number, probe: DeviceProbe): void {
  const proto = Object.getPrototypeOf(pass) as GPUComputePassEncoder;
  let kernel = 'unknown';
  pass.setPipeline = function (pipeline: GPUComputePipeline): undefined {
    kernel = probe.kernelName(pipeline);
    return proto.setPipeline.call(pass, pipeline);
  };
  pass.dispatchWorkgroups = function (x: number, y = 1, z = 1): undefined {
    rec.dispatches.push({ kernel, workgroups: [x, y, z], pass: index });
    rec.passDispatches[index]++;
    return proto.dispatchWorkgroups.call(pass, x, y, z);
  };
  pass.dispatchWorkgroupsIndirect = function (buffer: GPUBuffer, offset: number): undefined {
    rec.dispatches.push({ kernel, workgroups: undefined, pass: index });
    rec.passDispatches[index]++;
    return proto.dispatchWorkgroupsIndirect.call(pass, buffer, offset);
  };
}

/** copyBufferToBuffer(src, srcOffset, dst, dstOffset, size) or the newer (src, dst, size?). */
function copySize(args: unknown[]): number {
  if (typeof args[1] === 'number') {
    const size = args[4] as number | undefined;
    return size ?? (args[0] as GPUBuffer).size - (args[1] as number);
  }
  return (args[2] as number | undefined) ?? (args[0] as GPUBuffer).size;
}
