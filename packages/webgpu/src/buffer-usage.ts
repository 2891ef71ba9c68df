// GPUBufferUsage's values are fixed by the WebGPU spec; Node has no such global unless the
// webgpu package's globals are installed, so the package carries its own copy.
export const BufferUsage = {
  MAP_READ: 0x0001,
  MAP_WRITE: 0x0002,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  INDEX: 0x0010,
  VERTEX: 0x0020,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
  INDIRECT: 0x0100,
  QUERY_RESOLVE: 0x0200,
} as const;

export const MAP_MODE_READ = 0x0001;

const NAMES = Object.entries(BufferUsage).map(([name, bit]) => [bit, name.toLowerCase()] as const);
const cache = new Map<number, string>();

/** `STORAGE | COPY_DST` as `'copy_dst|storage'`: a stable, low-cardinality label for metrics. */
export function usageName(usage: number): string {
  let name = cache.get(usage);
  if (name === undefined) {
    name = NAMES.filter(([bit]) => (usage & bit) !== 0)
      .map(([, n]) => n)
      .join('|');
    cache.set(usage, name);
  }
  return name;
}
