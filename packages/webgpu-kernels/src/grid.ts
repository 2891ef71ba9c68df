/** Workgroups of a 1-D problem laid out in 2-D, since one dimension stops at 65535. */
export function grid1d(workgroups: number, max = 65535): [number, number] {
  if (workgroups <= max) return [Math.max(1, workgroups), 1];
  return [max, Math.ceil(workgroups / max)];
}

/** WGSL for the flat workgroup index matching grid1d. */
export const FLAT_WORKGROUP = 'wid.x + wid.y * nwg.x';
