import type { ChromeTrace, TraceEvent } from '../src/index.js';

const PHASES = new Set(['b', 'e', 'X', 'i', 'C', 'M']);

/** Throws with a reason when the trace is not structurally valid Chrome Trace Event JSON. */
export function validateTrace(trace: ChromeTrace): void {
  if (!Array.isArray(trace.traceEvents)) throw new Error('traceEvents is not an array');
  const round = JSON.parse(JSON.stringify(trace)) as ChromeTrace;
  if (round.traceEvents.length !== trace.traceEvents.length) throw new Error('not JSON-safe');
  const stacks = new Map<string, TraceEvent[]>();
  const pairs = new Map<number, { b: TraceEvent; e: TraceEvent }>();
  const byTid = new Map<string, TraceEvent[]>();
  let lastTs = -Infinity;
  for (const ev of trace.traceEvents) {
    if (typeof ev.name !== 'string' || !PHASES.has(ev.ph)) throw new Error(`bad event ${JSON.stringify(ev)}`);
    if (typeof ev.ts !== 'number' || !Number.isFinite(ev.ts) || ev.ts < 0) throw new Error(`bad ts ${JSON.stringify(ev)}`);
    if (!Number.isInteger(ev.pid) || !Number.isInteger(ev.tid)) throw new Error(`bad pid/tid ${JSON.stringify(ev)}`);
    if (ev.ph === 'M') continue;
    if (ev.ts < lastTs) throw new Error(`events not in time order at ${JSON.stringify(ev)}`);
    lastTs = ev.ts;
    if (ev.ph === 'b' || ev.ph === 'e') {
      if (typeof ev.cat !== 'string' || typeof ev.id !== 'string') throw new Error(`async event without cat/id ${JSON.stringify(ev)}`);
      const key = `${ev.pid}/${ev.cat}/${ev.id}`;
      const stack = stacks.get(key) ?? [];
      stacks.set(key, stack);
      if (ev.ph === 'b') stack.push(ev);
      else {
        const open = stack.pop();
        if (open === undefined || open.name !== ev.name) throw new Error(`e without its b: ${JSON.stringify(ev)}`);
        pairs.set(open.args?.spanId as number, { b: open, e: ev });
      }
    }
    if (ev.ph === 'X') {
      if (typeof ev.dur !== 'number' || ev.dur < 0) throw new Error(`X without dur ${JSON.stringify(ev)}`);
      const key = `${ev.pid}/${ev.tid}`;
      byTid.set(key, [...(byTid.get(key) ?? []), ev]);
    }
    if (ev.ph === 'C' && (ev.args === undefined || Object.values(ev.args).some((v) => typeof v !== 'number'))) throw new Error(`bad counter ${JSON.stringify(ev)}`);
  }
  for (const [key, stack] of stacks) if (stack.length > 0) throw new Error(`b without e on ${key}: ${stack.map((e) => e.name).join(', ')}`);
  // Children inside parents.
  for (const { b, e } of pairs.values()) {
    const parent = pairs.get(b.args?.parentSpanId as number);
    if (parent === undefined) continue;
    if (b.ts < parent.b.ts || e.ts > parent.e.ts) throw new Error(`${b.name} (${b.args?.spanId}) is not inside its parent ${parent.b.name}`);
  }
  // X events on one track never overlap.
  for (const [key, xs] of byTid) {
    for (let i = 1; i < xs.length; i++) if (xs[i].ts < xs[i - 1].ts + (xs[i - 1].dur as number) - 1e-6) throw new Error(`overlapping X events on ${key}`);
  }
}

/** The b/e pair of each span, by spanId. */
export function spanPairs(trace: ChromeTrace): Map<number, { b: TraceEvent; e: TraceEvent }> {
  const open = new Map<string, TraceEvent[]>();
  const out = new Map<number, { b: TraceEvent; e: TraceEvent }>();
  for (const ev of trace.traceEvents) {
    if (ev.ph !== 'b' && ev.ph !== 'e') continue;
    const key = `${ev.pid}/${ev.cat}/${ev.id}`;
    const stack = open.get(key) ?? [];
    open.set(key, stack);
    if (ev.ph === 'b') stack.push(ev);
    else {
      const b = stack.pop() as TraceEvent;
      out.set(b.args?.spanId as number, { b, e: ev });
    }
  }
  return out;
}
