import hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

let wasm: boolean | undefined;

/** True when hdr-histogram-js's WebAssembly build loaded (tried once, synchronously). */
export function wasmReady(): boolean {
  if (wasm === undefined) {
    try {
      hdr.initWebAssemblySync();
      wasm = true;
    } catch {
      wasm = false;
    }
  }
  return wasm;
}

/**
 * An hdr-histogram-js histogram with our layout (lowest discernible 1, same digits): WebAssembly
 * when it loads, else the JS build with 64-bit counts. Callers must `destroy()` it.
 */
export function newHdr(digits: number, useWasm = wasmReady()): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 2 ** 40,
    numberOfSignificantValueDigits: digits as 1 | 2 | 3 | 4 | 5,
    bitBucketSize: 64,
    autoResize: true,
    useWebAssembly: useWasm,
  });
}

export { hdr };
