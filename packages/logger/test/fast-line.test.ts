import { expect } from 'chai';
import fc from 'fast-check';
import { pino, type Level } from 'pino';
import { FastLines } from '../src/fast-line.js';
import type { LogLine } from '../src/log-line.js';

/** pino's own line for `line`, written to a capturing destination, with Date.now() fixed. */
function pinoLine(level: Level, line: LogLine, now: number): string {
  let out = '';
  const logger = pino({ level: 'trace' }, { write: (s: string) => void (out = s) });
  const realNow = Date.now;
  Date.now = () => now;
  try {
    logger[level](line);
  } finally {
    Date.now = realNow;
  }
  return out;
}

function fastLine(level: Level, line: LogLine, now: number): string | undefined {
  const fast = new FastLines(pino({ level: 'trace' }, { write: () => undefined }));
  const realNow = Date.now;
  Date.now = () => now;
  try {
    return fast.format(level, line);
  } finally {
    Date.now = realNow;
  }
}

const value = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }));
const record = fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(value, fc.dictionary(fc.string({ maxLength: 4 }), value, { maxKeys: 3 })), { maxKeys: 5 });
const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const line = fc.record({
  msg: fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 120 }), fc.constantFrom('a\ud800b', '\udc00', 'q"\\\n'), fc.string({ minLength: 101, maxLength: 140 })),
  trace: fc.option(fc.tuple(hex(32), hex(16), fc.constantFrom('00', '01'))),
  correlationId: fc.option(fc.string(), { nil: undefined }),
  measurements: record,
  metadata: record,
});

describe('FastLines (the logger’s own serializer for lines without redaction)', () => {
  it('writes the bytes pino writes, for any names, ids, measurements and metadata', () => {
    fc.assert(
      fc.property(line, fc.constantFrom<Level>('trace', 'debug', 'info', 'warn', 'error', 'fatal'), (l, level) => {
        const built: LogLine = { msg: l.msg, trace_id: undefined, span_id: undefined, trace_flags: undefined, correlationId: l.correlationId, measurements: l.measurements as LogLine['measurements'], metadata: l.metadata };
        if (l.trace !== null) {
          built.trace_id = l.trace[0];
          built.span_id = l.trace[1];
          built.trace_flags = l.trace[2];
        }
        const expected = pinoLine(level, built, 1_796_000_000_123);
        expect(fastLine(level, built, 1_796_000_000_123)).to.equal(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it('leaves to pino what needs its fallbacks: a cycle, a BigInt, an error field', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const base: LogLine = { msg: 'x', correlationId: undefined, measurements: {}, metadata: {} };
    expect(fastLine('info', { ...base, metadata: cyclic }, 1)).to.equal(undefined);
    expect(fastLine('info', { ...base, measurements: { n: 10n as unknown as number } }, 1)).to.equal(undefined);
    expect(fastLine('error', { ...base, err: new Error('boom') }, 1)).to.equal(undefined);
  });
});
