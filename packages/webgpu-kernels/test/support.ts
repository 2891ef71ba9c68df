import type { Context } from 'mocha';
import type { Telemetry } from '@rx-telemetry/core';
import { NoAdapterError, requestInstrumentedDevice, type DeviceOptions, type InstrumentedDevice } from '@rx-telemetry/webgpu';

const CI = process.env.CI === 'true' || process.env.CI === '1';

/**
 * An instrumented device, or a skipped test on a machine with no adapter at all. In CI a
 * missing adapter is a failure: the set-up must have provided lavapipe or OpenGL ES.
 */
export async function deviceOrSkip(ctx: Context, telemetry: Telemetry, options?: DeviceOptions): Promise<InstrumentedDevice> {
  try {
    return await requestInstrumentedDevice(telemetry, options);
  } catch (error) {
    if (error instanceof NoAdapterError && !CI) {
      console.warn(`      skipped: ${error.message}`);
      ctx.skip();
    }
    throw error;
  }
}

export function randomFloats(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

export function randomBipolar(n: number, seed: number): Float32Array {
  return randomFloats(n, seed).map((x) => (x >= 0 ? 1 : -1));
}
