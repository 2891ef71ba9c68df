// Per-object state for Dawn objects (encoders, passes, command buffers, pipelines).
// A WeakMap keyed by a Dawn object cost ~0.5 µs per set on this machine, and dispatches with
// listeners ran ~4 µs slower with them; a string-keyed own property costs tens of ns. The
// property is an ordinary (enumerable) one; its name says whose it is.
// One accessor pair per kind of object, not one generic pair: each keeps its own inline cache
// monomorphic (one shared accessor would see every Dawn class and go megamorphic).

interface Carrier<S> {
  __rxTelemetry?: S;
}

export function encoderState<S>(encoder: GPUCommandEncoder): S | undefined {
  return (encoder as Carrier<S>).__rxTelemetry;
}
export function setEncoderState<S>(encoder: GPUCommandEncoder, state: S | undefined): void {
  (encoder as Carrier<S>).__rxTelemetry = state;
}

export function passState<S>(pass: GPUComputePassEncoder): S | undefined {
  return (pass as Carrier<S>).__rxTelemetry;
}
export function setPassState<S>(pass: GPUComputePassEncoder, state: S): void {
  (pass as Carrier<S>).__rxTelemetry = state;
}

export function commandState<S>(cb: GPUCommandBuffer): S | undefined {
  return (cb as Carrier<S>).__rxTelemetry;
}
export function setCommandState<S>(cb: GPUCommandBuffer, state: S | undefined): void {
  (cb as Carrier<S>).__rxTelemetry = state;
}

export function pipelineName(pipeline: GPUComputePipeline): string | undefined {
  return (pipeline as Carrier<string>).__rxTelemetry;
}
export function setPipelineName(pipeline: GPUComputePipeline, name: string): void {
  (pipeline as Carrier<string>).__rxTelemetry = name;
}
