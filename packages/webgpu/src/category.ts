/** A dispatch's speed class, from its CPU-side duration. */
export type DurationCategory = 'fast' | 'normal' | 'slow' | 'very_slow';

/** fast < 1 ms, normal < 10 ms, slow < 100 ms, otherwise very_slow (`ns` in nanoseconds). */
export function categorize(ns: number): DurationCategory {
  if (ns < 1e6) return 'fast';
  if (ns < 1e7) return 'normal';
  if (ns < 1e8) return 'slow';
  return 'very_slow';
}
