/// <reference types="@webgpu/types" preserve="true" />
export { ComputeBackend, type Kernel, type Workgroups } from './compute-backend.js';
export { VECTOR_ADD_WGSL, vectorAdd } from './vector-add.js';
export { MATMUL_WGSL, MATMUL_TILE, matmul, matmulWorkgroups, type MatmulShape } from './matmul.js';
export { REDUCE_SUM_WGSL, SUM_PER_WORKGROUP, reduceSum } from './reduce-sum.js';
export { HDC_BIND_WGSL, HDC_BUNDLE_WGSL, HDC_COSINE_WGSL, hdcBind, hdcBundle, hdcCosine } from './hdc.js';
export { grid1d } from './grid.js';
export { uniform } from './uniform.js';
