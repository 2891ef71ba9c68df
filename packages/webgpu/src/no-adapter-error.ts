/** Thrown when neither Dawn's default backend nor its OpenGL ES fallback offers an adapter. */
export class NoAdapterError extends Error {
  readonly code = 'ERR_NO_GPU_ADAPTER' as const;
  constructor() {
    super(
      'no WebGPU adapter: no GPU, no Vulkan driver (run `npm run setup` for lavapipe, see docs/webgpu.md) ' +
        'and no OpenGL ES fallback (EGL/Mesa) on this machine',
    );
    this.name = 'NoAdapterError';
  }
}
