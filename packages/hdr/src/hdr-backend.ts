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
  const h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 2 ** 40,
    numberOfSignificantValueDigits: digits as 1 | 2 | 3 | 4 | 5,
    bitBucketSize: 64,
    autoResize: true,
    useWebAssembly: useWasm,
  });
  stats.built++;
  if (useWasm) stats.wasm++;
  const destroy = h.destroy.bind(h);
  h.destroy = () => {
    stats.destroyed++;
    destroy();
  };
  return h;
}

/** Histograms built by `newHdr` (WebAssembly ones counted apart) and destroyed, for tests. */
export const stats = { built: 0, wasm: 0, destroyed: 0 };

export { hdr };
