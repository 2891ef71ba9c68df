import { recordDispatch, takeRecord, type CommandRecord, type RecordOwner } from './command-record.js';
import { encoderState, passState, setCommandState, setEncoderState, setPassState } from './object-state.js';

// The methods are wrapped once on the prototypes rather than per object (fewer closures and
// property writes on every encoder); per-object state lives in one property (object-state.ts).
// An encoder that is not tracked costs one property miss per wrapped call.
const patched = new WeakSet<object>();
const originalCopy = new WeakMap<object, GPUCommandEncoder['copyBufferToBuffer']>();

/**
 * Makes one command encoder record its dispatches and copies, and gives each compute pass
 * timestamp writes when the device has them and the caller set none. Only encoders created
 * while someone listens are tracked.
 */
export function trackEncoder(encoder: GPUCommandEncoder, probe: RecordOwner): void {
  const proto = Object.getPrototypeOf(encoder) as GPUCommandEncoder;
  // Every encoder shares Dawn's one prototype: an identity check, not a WeakSet lookup per encoder.
  if (proto !== lastEncoderProto) {
    if (!patched.has(proto)) patchEncoderPrototype(proto);
    lastEncoderProto = proto;
  }
  setEncoderState<CommandRecord>(encoder, takeRecord(probe));
}

let lastEncoderProto: object | undefined;
let lastPassProto: object | undefined;

/** copyBufferToBuffer as Dawn defines it, for copies that must not count as the user's transfers. */
export function rawCopy(encoder: GPUCommandEncoder): GPUCommandEncoder['copyBufferToBuffer'] {
  const proto = Object.getPrototypeOf(encoder) as object;
  return originalCopy.get(proto) ?? (proto as GPUCommandEncoder).copyBufferToBuffer;
}

function patchEncoderPrototype(proto: GPUCommandEncoder): void {
  patched.add(proto);
  const begin = proto.beginComputePass;
  const copy = proto.copyBufferToBuffer;
  const finish = proto.finish;
  originalCopy.set(proto, copy);
  proto.beginComputePass = function (this: GPUCommandEncoder, descriptor?: GPUComputePassDescriptor): GPUComputePassEncoder {
    const rec = encoderState<CommandRecord>(this);
    if (rec === undefined) return begin.call(this, descriptor);
    let timed = -1;
    let desc = descriptor;
    if (rec.probe.timestamps && descriptor?.timestampWrites === undefined) {
      const slot = (rec.slot ??= rec.probe.pool.acquire());
      const timedDesc = slot?.nextPassDescriptor(descriptor);
      if (timedDesc !== undefined) {
        timed = slot!.passes - 1;
        desc = timedDesc;
      }
    }
    const pass = begin.call(this, desc);
    const passProto = Object.getPrototypeOf(pass) as GPUComputePassEncoder;
    if (passProto !== lastPassProto) {
      if (!patched.has(passProto)) patchPassPrototype(passProto);
      lastPassProto = passProto;
    }
    // The encoder is locked while a pass is open, so the record itself holds the pass's state.
    rec.passIndex++;
    rec.passTimed = timed;
    rec.passKernel = 'unknown';
    rec.passDispatches = 0;
    setPassState<CommandRecord>(pass, rec);
    return pass;
  };
  proto.copyBufferToBuffer = function (this: GPUCommandEncoder): undefined {
    const rec = encoderState<CommandRecord>(this);
    const args = arguments as unknown as unknown[];
    if (rec !== undefined) (rec.copies ??= []).push(copySize(args));
    return (copy as (...a: unknown[]) => undefined).apply(this, args);
  } as GPUCommandEncoder['copyBufferToBuffer'];
  proto.finish = function (this: GPUCommandEncoder, descriptor?: GPUCommandBufferDescriptor): GPUCommandBuffer {
    const rec = encoderState<CommandRecord>(this);
    if (rec === undefined) return finish.call(this, descriptor);
    setEncoderState(this, undefined);
    const slot = rec.slot;
    if (slot !== undefined) {
      if (slot.passes === 0) {
        slot.release();
        rec.slot = undefined;
      } else slot.encodeResolve(this, copy);
    }
    const cb = finish.call(this, descriptor);
    if (rec.count !== 0 || rec.copies !== undefined || rec.slot !== undefined) {
      setCommandState(cb, rec);
      rec.probe.pending++;
    }
    return cb;
  };
}

function patchPassPrototype(proto: GPUComputePassEncoder): void {
  patched.add(proto);
  const setPipeline = proto.setPipeline;
  const dispatch = proto.dispatchWorkgroups;
  const dispatchIndirect = proto.dispatchWorkgroupsIndirect;
  proto.setPipeline = function (this: GPUComputePassEncoder, pipeline: GPUComputePipeline): undefined {
    const rec = passState<CommandRecord>(this);
    if (rec !== undefined) rec.passKernel = rec.probe.kernelName(pipeline);
    return setPipeline.call(this, pipeline);
  };
  proto.dispatchWorkgroups = function (this: GPUComputePassEncoder, x: number, y?: number, z?: number): undefined {
    const rec = passState<CommandRecord>(this);
    if (rec !== undefined) recordDispatch(rec, x, y ?? 1, z ?? 1, false);
    return dispatch.call(this, x, y, z);
  };
  proto.dispatchWorkgroupsIndirect = function (this: GPUComputePassEncoder, buffer: GPUBuffer, offset: number): undefined {
    const rec = passState<CommandRecord>(this);
    if (rec !== undefined) recordDispatch(rec, 0, 0, 0, true);
    return dispatchIndirect.call(this, buffer, offset);
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
