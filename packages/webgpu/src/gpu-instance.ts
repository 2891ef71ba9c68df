import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create } from 'webgpu';
import { NoAdapterError } from './no-adapter-error.js';

// Nanosecond timestamps: Dawn otherwise rounds them to 65.536 µs.
const FLAGS = ['disable-dawn-features=timestamp_quantization'];

// webgpu 0.6.2 bug: when the object returned by create() becomes unreachable, GC frees it
// under Dawn and the process later crashes or hangs. These module-scope references keep
// every instance alive for the life of the process.
let vulkanOrDefault: GPU | undefined;
let openGles: GPU | undefined;

/** Options for `requestAdapter`. */
export interface AdapterOptions {
  readonly powerPreference?: GPUPowerPreference;
}

/** Which Dawn backend produced an adapter. */
export type BackendKind = 'default' | 'opengles';

export interface FoundAdapter {
  readonly adapter: GPUAdapter;
  readonly backend: BackendKind;
}

/**
 * The best adapter this machine offers: a real GPU or lavapipe through Dawn's default backend,
 * else Dawn's OpenGL ES backend on stock Mesa (compatibility mode, no timestamps).
 *
 * ```ts
 * const { adapter, backend } = await requestAdapter({ powerPreference: 'high-performance' });
 * const device = await adapter.requestDevice(); // a plain, uninstrumented GPUDevice
 * ```
 * @throws NoAdapterError when no backend offers an adapter.
 */
export async function requestAdapter(options: AdapterOptions = {}): Promise<FoundAdapter> {
  useRepoLavapipe();
  vulkanOrDefault ??= create(FLAGS);
  const first = await vulkanOrDefault.requestAdapter({ powerPreference: options.powerPreference });
  if (first !== null) return { adapter: first, backend: 'default' };
  // EGL must pick its platform before the OpenGL ES instance is created.
  process.env.EGL_PLATFORM ??= 'surfaceless';
  openGles ??= create(['backend=opengles', ...FLAGS]);
  const fallback = await openGles.requestAdapter({ powerPreference: options.powerPreference, featureLevel: 'compatibility' });
  if (fallback !== null) return { adapter: fallback, backend: 'opengles' };
  throw new NoAdapterError();
}

/** The Dawn instances created so far (the GC regression test checks they stay the same). */
export function gpuInstances(): readonly GPU[] {
  return [vulkanOrDefault, openGles].filter((g): g is GPU => g !== undefined);
}

/**
 * Inside this repository the set-up leaves a lavapipe ICD at .cache/lavapipe/lvp_icd.json.
 * When the caller chose no Vulkan driver, add it to the loader's list: VK_ADD_DRIVER_FILES
 * adds to the system drivers instead of replacing them, so a real GPU still wins.
 */
function useRepoLavapipe(): void {
  const env = process.env;
  if (env.VK_ICD_FILENAMES !== undefined || env.VK_DRIVER_FILES !== undefined || env.VK_ADD_DRIVER_FILES !== undefined) return;
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
  const icd = join(root, '.cache', 'lavapipe', 'lvp_icd.json');
  if (existsSync(icd)) env.VK_ADD_DRIVER_FILES = icd;
}
