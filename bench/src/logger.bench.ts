// Logger per event against the pino call a user would write instead (the same line object: msg,
// trace fields, correlation id, measurements, metadata), to the same destination:
// one pino logger writing to /dev/null, given to attachLogger as `logger` and called directly.
// A second part measures attachLogger's own writers against raw pino on the same kind of destination.
import { Telemetry } from '@rx-telemetry/core';
import { openSync } from 'node:fs';
import { attachLogger, type AttachedLogger } from '@rx-telemetry/logger';
import { pino } from 'pino';
import { find, measure, pairedRatio, ratio, report, type CaseResult, type SuiteResult } from './harness.js';

const EVENT = ['db', 'query', 'stop'] as const;

/**
 * `a` over `b` as the median of their per-round ratios: measure() runs every case once per round,
 * so a round's two batches share the machine's state (this VM's neighbours come and go).
 */
const METADATA = { table: 'users', rows: 12, user: 'alice' };

export async function run(): Promise<SuiteResult[]> {
  const devnull = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true }));
  const bus = new Telemetry();
  attachLogger(bus, { logger: devnull });
  const handle = bus.event(EVENT);

  const results = measure([
    { name: 'pino info(), same object', loop: (n) => { for (let i = 0; i < n; i++) devnull.info({ msg: 'db.query.stop', trace_id: undefined, span_id: undefined, trace_flags: undefined, correlationId: undefined, measurements: { duration: i }, metadata: METADATA }); } },
    { name: 'attachLogger per event', loop: (n) => { for (let i = 0; i < n; i++) handle.emit({ duration: i }, METADATA); } },
  ], { batches: 31 });
  const same = report('logger', results, ['pino info(), same object'], [
    ratio('bus + mapping <= 1.2x raw pino (paired rounds)', pairedRatio(find(results, 'attachLogger per event'), find(results, 'pino info(), same object')), 1, 1.2),
  ]);
  await bus.shutdown();
  return [same, await destinations()];
}

// The default writer is pino's own non-blocking destination, so its budget is against pino writing
// to that same kind of destination: `pino.destination({ sync: false, maxLength })` on an fd opened
// the same way. Asynchronous destinations drain between bursts (the event loop must turn), which
// the synchronous harness cannot let them do: this part times bursts of 1,000 lines, one burst per
// case per round, and waits (untimed) after each burst until that destination has written it all,
// so every burst starts from an empty buffer. Ratios are medians of per-round ratios, as above.
async function destinations(): Promise<SuiteResult> {
  const bufferSize = 64 * 1024 * 1024;
  const cases: { name: string; emit: (i: number) => void; drained: () => Promise<void> }[] = [];
  const pinoCase = (name: string, sync: boolean): void => {
    const dest = pino.destination({ dest: openSync('/dev/null', 'a'), sync, maxLength: sync ? undefined : bufferSize });
    const logger = pino({ level: 'info' }, dest);
    cases.push({
      name,
      emit: (i) => logger.info({ msg: 'db.query.stop', trace_id: undefined, span_id: undefined, trace_flags: undefined, correlationId: undefined, measurements: { duration: i }, metadata: METADATA }),
      // After a burst a sync:false destination is still writing; it emits 'drain' once idle.
      drained: () => (sync ? Promise.resolve() : new Promise((resolve) => dest.once('drain', () => resolve()))),
    });
  };
  pinoCase('pino, destination sync:true', true);
  pinoCase('pino, destination sync:false, maxLength', false);
  // One bus per writer, so an emit reaches one writer and every case logs the same line.
  const buses: Telemetry[] = [];
  const logs: AttachedLogger[] = [];
  for (const writer of ['pino', 'batch'] as const) {
    const bus = new Telemetry();
    const log = attachLogger(bus, { destination: '/dev/null', bufferSize, writer });
    const handle = bus.event(EVENT);
    buses.push(bus);
    logs.push(log);
    cases.push({ name: `attachLogger, writer '${writer}'`, emit: (i) => handle.emit({ duration: i }, METADATA), drained: () => log.flush() });
  }

  const bursts = 150;
  const size = 1_000;
  const samples = cases.map(() => [] as number[]);
  for (let b = 0; b < bursts; b++) {
    for (const [k, c] of cases.entries()) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < size; i++) c.emit(i);
      samples[k].push(Number(process.hrtime.bigint() - t0) / size);
      await c.drained();
    }
  }
  const dropped = logs.reduce((sum, log) => sum + log.stats().dropped, 0);
  for (const bus of buses) await bus.shutdown();
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  // The first bursts warm up the JIT; every case drops the same rounds so they stay paired.
  const results: CaseResult[] = cases.map((c, k) => ({ name: c.name, nsPerOp: median(samples[k].slice(10)), batches: samples[k].slice(10) }));
  const paired = (a: string, b: string): number => pairedRatio(find(results, a), find(results, b));
  return report('logger-destinations', results, ['pino, destination sync:true'], [
    ratio("default writer 'pino': bus + mapping <= 1.2x raw pino, same sync:false destination (paired rounds)", paired("attachLogger, writer 'pino'", 'pino, destination sync:false, maxLength'), 1, 1.2),
    ratio("writer 'batch' vs raw pino sync:true (paired rounds)", paired("attachLogger, writer 'batch'", 'pino, destination sync:true'), 1, 1.2),
    ratio("writer 'batch' vs raw pino sync:false, maxLength (paired rounds)", paired("attachLogger, writer 'batch'", 'pino, destination sync:false, maxLength'), 1, 1.2),
    { name: 'no line dropped with a 64 MiB buffer', ok: dropped === 0, detail: `${dropped} dropped` },
  ]);
}
