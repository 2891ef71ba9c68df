import { captureTrace, exemplarTime } from './exemplars.js';
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

const ARGS = ['accepts', 'value', 'tagSource', 'lookup', 'ticker', 'drops', 'store', 'layout', 'index', 'exemplars', 'clock', 'captureTrace', 'exemplarTime'] as const;

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
  return make(r.accepts, r.value, r.tagSource, p.lookup, p.ticker, p.drops, shape.store, shape.layout, shape.index, p.exemplars?.store, p.exemplars?.clock, captureTrace, exemplarTime);
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
  body += `const j = ${shape.index === undefined ? '-1' : 'index.find(v, i)'}; store.record(id, v, i, j, ticker.slot, ticker.epoch); `;
  if (p.exemplars !== undefined) {
    body += 'const ref = captureTrace(); if (ref !== undefined) exemplars.record(id * exemplars.perSeries + (j < 0 ? 0 : j), v, ref, exemplarTime(m.monotonicTime, clock)); ';
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
    body += 'const ref = captureTrace(); if (ref !== undefined) exemplars.record(id, 1, ref, exemplarTime(m.monotonicTime, clock)); ';
  }
  return body;
}
