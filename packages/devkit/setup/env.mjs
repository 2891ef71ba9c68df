// The environment every project command runs in: local pnpm first on PATH, and the
// hermetic Vulkan/Mesa settings the WebGPU package needs (see docs/webgpu.md).
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const toolsDir = join(root, '.tools');
export const cacheDir = join(root, '.cache');
export const pnpmBin = join(toolsDir, 'node_modules', '.bin', 'pnpm');
export const icdFile = join(cacheDir, 'lavapipe', 'lvp_icd.json');

export function projectEnv(base = process.env) {
  const env = { ...base };
  env.PATH = `${join(toolsDir, 'node_modules', '.bin')}:${join(root, 'node_modules', '.bin')}:${base.PATH ?? ''}`;
  // Mesa and Dawn want a runtime dir and a shader cache; keep both inside the checkout.
  const xdg = join(cacheDir, 'xdg-runtime');
  if (!existsSync(xdg)) mkdirSync(xdg, { recursive: true, mode: 0o700 });
  env.XDG_RUNTIME_DIR ??= xdg;
  env.MESA_SHADER_CACHE_DIR ??= join(cacheDir, 'mesa-shader-cache');
  // The lavapipe driver from the set-up (steps/10-lavapipe.mjs). VK_ADD_DRIVER_FILES adds it to
  // the system's Vulkan drivers (VK_ICD_FILENAMES would replace them and hide a real GPU); a
  // driver choice already in the environment is left alone.
  if (existsSync(icdFile) && env.VK_ICD_FILENAMES === undefined && env.VK_DRIVER_FILES === undefined) {
    env.VK_ADD_DRIVER_FILES ??= icdFile;
  }
  return env;
}
