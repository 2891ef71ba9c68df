import { captureTrace } from './exemplars.js';
import type { HistogramStore } from './histogram-store.js';
import { MAX_INTERNAL } from './layout.js';
import type { PathParts, PathShape, Recorder } from './path-parts.js';
import { fallbackPath } from './record-fallback.js';

export type { PathParts, Recorder } from './path-parts.js';

// The record paths, one function per metric made with `new Function`. Why: V8 keeps inline-cache
// feedback per function literal, shared by every closure made from it. With one literal per kind
// (as before), every metric of the process fed the same feedback: the tag reads `src[tag]`, the
// reader's `accepts`/`value`/`tagSource` calls and what they inline went polymorphic, then
// megamorphic, in an application with many metrics. Paired in one process (old and new side by
// side, each with the realistic bench's 10 definitions and their traffic, medians of 15 batches):
// distribution 2 tags 0.70x the time (180 -> 117 ns on a loaded 2-core box), counter 0.60x
// (87 -> 51 ns); with 2 metrics and no other traffic still 0.65x and 0.76x. A function made here
// is its own literal, so its loads (tag keys as constant property names, see TagIndex) and calls
// (the reader's specialised functions, this metric's lookup: one target each, inlined) stay
// monomorphic. Options are constants of the source (a path without exemplars pays nothing for
// them); values are passed as arguments, never written into the source, except numbers (their
// exact round-trip text). Where code generation from strings is disallowed, record-fallback.ts
// runs the same steps as one shared closure. None throws: a throwing keep/measurement/tagValues
// function drops the event.
//
// The stores' steps are written out too (HistogramStore.recordSource, ExemplarStore.recordSource),
// their offsets as number literals: V8 inlines at most 920 bytes of bytecode into one optimized
// function, and core's dispatch code (388) + this path + its lookups left no room for the store's
// record() (359), so every record called it out of line; exemplars' record() took two doubles
// through a call (16 more bytes allocated per record in a span: 32 -> 16 B, measured; the 16 B a
// distribution record allocates either way is not from here). Paired in one process (old and
// new copies of this package, same core, medians of 21 batches, loaded 2-core box): distribution
// 2 tags 0.88-0.91x the time in 7 runs (two identical old copies: 0.92-1.02x in 5); with
// exemplars in a span 0.78-0.88x.

const ARGS = ['accepts', 'value', 'tagSource', 'lookup', 'ticker', 'drops', 'store', 'layout', 'index', 'exemplars', 'clock', 'captureTrace'] as const;

/** The record path of one metric. */
export function recordPath(p: PathParts, shape: PathShape): Recorder {
  const r = p.reader.specialised();
  const body = shape.kind === 'histogram' ? histogramBody(p, shape) : valueBody(p, shape.kind);
  // The metric's name in the function's: profiles show which metric a frame records.
  const label = p.reader.definition.name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 60);
  const src = `"use strict"; return function record_${label}(_event, m, md) { try { ${body} } catch { drops.dropped++; } };`;
  let make: (...args: unknown[]) => Recorder;
  try {
    make = new Function(...ARGS, src) as (...args: unknown[]) => Recorder;
  } catch {
    return fallbackPath(p, shape);
  }
  return make(r.accepts, r.value, r.tagSource, p.lookup, p.ticker, p.drops, shape.store, shape.layout, shape.index, p.exemplars?.store, p.exemplars?.clock, captureTrace);
}

// The start every path shares: keep/drop, the value (none for a counter; HDR histograms hold no
// negative values, a sum or last value may be negative), then the series id (drops counted).
function head(p: PathParts, value: 'none' | 'nonNegative' | 'any'): string {
  const r = p.reader.specialised();
  const accept = r.accepts === undefined ? '' : 'if (!accepts(m, md)) return; ';
  const check = value === 'nonNegative' ? 'v === undefined || !(v >= 0)' : 'v === undefined';
  const read = value === 'none' ? '' : `const v = value(m, md); if (${check}) { drops.dropped++; return; } `;
  const source = r.tagSource === undefined ? 'md' : 'tagSource(md)';
  return `${accept}${read}const id = lookup.find(${source}); if (id === undefined) { drops.dropped++; return; } `;
}

// summary and distribution.
function histogramBody(p: PathParts, shape: PathShape): string {
  let body = head(p, 'nonNegative');
  body += `const x = Math.round(v * ${String(shape.factor)}); const i = layout.index(x > ${String(MAX_INTERNAL)} ? ${String(MAX_INTERNAL)} : x); `;
  body += `const j = ${shape.index === undefined ? '-1' : 'index.find(v, i)'}; const slot = ticker.slot; const epoch = ticker.epoch; `;
  body += `${(shape.store as HistogramStore).recordSource()} `;
  if (p.exemplars !== undefined) {
    body += `const ref = captureTrace(); if (ref !== undefined) ${p.exemplars.store.recordSource(true)} `;
  }
  return body;
}

// counter (1 per accepted event, without calling value), sum, lastValue.
function valueBody(p: PathParts, kind: 'counter' | 'sum' | 'lastValue'): string {
  const counter = kind === 'counter';
  let body = head(p, counter ? 'none' : 'any');
  body += `const values = store.values; const k = 2 * id; ${counter ? 'values[k]++;' : kind === 'lastValue' ? 'values[k] = v;' : 'values[k] += v;'} `;
  if (p.stamp) body += 'values[k + 1] = ticker.epoch; ';
  if (counter && p.exemplars !== undefined) {
    body += `const ref = captureTrace(); if (ref !== undefined) { const v = 1; ${p.exemplars.store.recordSource(false)} } `;
  }
  return body;
}
