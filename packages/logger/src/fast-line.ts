import { symbols, type Level, type Logger } from 'pino';
import type { LogLine } from './log-line.js';

/**
 * pino's string quoting (`asString` in pino 10's lib/tools.js): strings up to 100 characters are
 * quoted with `"` and `\` escaped unless a control character needs JSON.stringify; longer ones
 * go through JSON.stringify. Copied so that the fast path writes the very bytes pino writes
 * (a lone surrogate in a short string stays raw, as in pino).
 */
function quote(s: string): string {
  const n = s.length;
  if (n > 100) return JSON.stringify(s);
  let out = '';
  let last = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 32) return JSON.stringify(s);
    if (c === 34 || c === 92) {
      out += s.slice(last, i) + '\\';
      last = i;
    }
  }
  return last === 0 && out === '' ? '"' + s + '"' : '"' + out + s.slice(last) + '"';
}

const QUOTED_CACHE_LIMIT = 1024;

/**
 * The logger's own JSON line for the logger's own pino instance without redaction (the common
 * line: no key to redact, no error), the same bytes pino writes, `{"level":30,"time":…,"pid":…,
 * "hostname":…,"msg":…,…}\n`: the level prefix, the time, pino's bindings, then each field of
 * the line that is not undefined, strings quoted as pino quotes them and objects through
 * JSON.stringify as pino's `stringify` does. A line pino would need its own fallback for (a
 * value JSON.stringify throws on: a cycle, a BigInt) gives undefined and goes to pino.
 *
 * Why: pino's generic path (its `LOG`/`write`/`_asJson` with serializer, stringifier and hook
 * lookups per key, then its quoting) cost ~2.0–2.8 µs a line against ~0.9 µs for JSON.stringify of
 * the same object (bench/notes/logger.md); in the bench's WebGPU kernel loop it was most of the
 * logger's cost per job. The output is checked byte for byte against pino's in
 * test/fast-line.test.ts (the time aside, read from the same clock).
 */
export class FastLines {
  readonly #prefix = new Map<Level, string>();
  readonly #bindings: string;
  readonly #quoted = new Map<string, string>();

  constructor(logger: Logger) {
    for (const [label, value] of Object.entries(logger.levels.values)) this.#prefix.set(label as Level, `{"level":${value}`);
    // pino's own serialized bindings (`,"pid":…,"hostname":…`), through its exported symbol.
    const chindings: unknown = (logger as unknown as Record<symbol, unknown>)[symbols.chindingsSym];
    if (typeof chindings !== 'string') throw new TypeError('FastLines: this pino has no serialized bindings');
    this.#bindings = chindings;
  }

  /** `line` as pino would write it at `level`, or undefined where pino's own path is needed. */
  format(level: Level, line: LogLine): string | undefined {
    const prefix = this.#prefix.get(level);
    if (prefix === undefined || line.err !== undefined) return undefined;
    let out = prefix + ',"time":' + Date.now() + this.#bindings + ',"msg":' + this.#quotedName(line.msg);
    if (line.trace_id !== undefined) out += ',"trace_id":' + quote(line.trace_id);
    if (line.span_id !== undefined) out += ',"span_id":' + quote(line.span_id);
    if (line.trace_flags !== undefined) out += ',"trace_flags":' + quote(line.trace_flags);
    const correlationId: unknown = line.correlationId;
    if (correlationId !== undefined) {
      if (typeof correlationId !== 'string') return undefined;
      out += ',"correlationId":' + quote(correlationId);
    }
    // pino quotes a string value its own way and writes other primitives bare: only objects here.
    if (typeof line.measurements !== 'object' || typeof line.metadata !== 'object') return undefined;
    let measurements: string | undefined;
    let metadata: string | undefined;
    try {
      measurements = line.measurements === undefined ? undefined : JSON.stringify(line.measurements);
      metadata = line.metadata === undefined ? undefined : JSON.stringify(line.metadata);
    } catch {
      return undefined;
    }
    if (measurements !== undefined) out += ',"measurements":' + measurements;
    if (metadata !== undefined) out += ',"metadata":' + metadata;
    return out + '}\n';
  }

  /** Event names repeat: their quoted form is cached (bounded). */
  #quotedName(name: string): string {
    let q = this.#quoted.get(name);
    if (q === undefined) {
      q = quote(name);
      if (this.#quoted.size < QUOTED_CACHE_LIMIT) this.#quoted.set(name, q);
    }
    return q;
  }
}
