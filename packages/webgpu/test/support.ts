import type { Context } from 'mocha';
import type { EventName, Measurements, Metadata, Telemetry } from '@rx-telemetry/core';
import { NoAdapterError, requestInstrumentedDevice, type DeviceOptions, type InstrumentedDevice } from '../src/index.js';

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

export interface Recorded {
  readonly name: string;
  readonly measurements: Measurements;
  readonly metadata: Metadata;
}

/** Records every emission of `events` through a handler. */
export function record(telemetry: Telemetry, id: string, events: EventName[]): Recorded[] {
  const out: Recorded[] = [];
  telemetry.attachMany(id, events, (name, measurements, metadata) => out.push({ name: name.join('.'), measurements, metadata }));
  return out;
}

/** Resolves once `predicate` holds for the recorded events, polling the event loop (not a sleep-as-assertion: it fails by timeout). */
export async function until(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!predicate()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
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

export function spanEvents(prefix: string): EventName[] {
  const p = prefix.split('.');
  return [
    [...p, 'start'],
    [...p, 'stop'],
    [...p, 'exception'],
  ];
}
