// Logger per event against the pino call a user would write instead, to the same destination:
// one pino logger writing to /dev/null, given to attachLogger as `logger` and called directly.
// A second part measures the default buffered destination against pino's own destinations.
import { Telemetry } from '@rx-telemetry/core';
import { attachLogger } from '@rx-telemetry/logger';
import { pino } from 'pino';
import { find, measure, ratio, report, type CaseResult, type SuiteResult } from './harness.js';

const EVENT = ['db', 'query', 'stop'] as const;

/**
 * `a` over `b` as the median of their per-round ratios: measure() runs every case once per round,
 * so a round's two batches share the machine's state (this VM's neighbours come and go).
 */
function pairedRatio(a: CaseResult, b: CaseResult): number {
  const r = a.batches.map((v, i) => v / b.batches[i]).sort((x, y) => x - y);
  const m = r.length >> 1;
  return r.length % 2 ? r[m] : (r[m - 1] + r[m]) / 2;
}
const METADATA = { table: 'users', rows: 12, user: 'alice' };

export async function run(): Promise<SuiteResult[]> {
  const devnull = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true }));
  const bus = new Telemetry();
  attachLogger(bus, { logger: devnull });
  const handle = bus.event(EVENT);

  const results = measure([
    { name: 'pino info(), same object', loop: (n) => { for (let i = 0; i < n; i++) devnull.info({ event: 'db.query.stop', measurements: { duration: i }, metadata: METADATA, correlationId: undefined, spanId: undefined }); } },
    { name: 'attachLogger per event', loop: (n) => { for (let i = 0; i < n; i++) handle.emit({ duration: i }, METADATA); } },
  ], { batches: 31 });
  const same = report('logger', results, ['pino info(), same object'], [
    ratio('bus + mapping <= 1.2x raw pino (paired rounds)', pairedRatio(find(results, 'attachLogger per event'), find(results, 'pino info(), same object')), 1, 1.2),
  ]);
  await bus.shutdown();
  return [same, await destinations()];
}

// Destinations drain between bursts (the event loop must turn), so this part times bursts of
// 1,000 lines with a turn of the event loop between them, which the synchronous harness cannot.
async function destinations(): Promise<SuiteResult> {
  const cases: { name: string; emit: () => (i: number) => void; done: () => Promise<void> }[] = [];
  const pinoCase = (name: string, sync: boolean): void => {
    const dest = pino.destination({ dest: '/dev/null', sync });
    const logger = pino({ level: 'info' }, dest);
    cases.push({
      name,
      emit: () => (i) => logger.info({ event: 'db.query.stop', measurements: { duration: i }, metadata: METADATA }),
      done: () => new Promise((resolve) => dest.flush(() => resolve())),
    });
  };
  pinoCase('pino, destination sync:true', true);
  pinoCase('pino, destination sync:false', false);
  const bus = new Telemetry();
  const log = attachLogger(bus, { destination: '/dev/null', bufferSize: 64 * 1024 * 1024 });
  const handle = bus.event(EVENT);
  cases.push({ name: 'attachLogger, own bounded buffer', emit: () => (i) => handle.emit({ duration: i }, METADATA), done: () => log.flush() });

  const bursts = 150;
  const size = 1_000;
  const samples = cases.map(() => [] as number[]);
  for (let b = 0; b < bursts; b++) {
    for (const [k, c] of cases.entries()) {
      const emit = c.emit();
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < size; i++) emit(i);
      samples[k].push(Number(process.hrtime.bigint() - t0) / size);
      await new Promise((r) => setImmediate(r));
    }
  }
  for (const c of cases) await c.done();
  const dropped = log.stats().dropped;
  await bus.shutdown();
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const results: CaseResult[] = cases.map((c, k) => ({ name: c.name, nsPerOp: median(samples[k].slice(10)), batches: samples[k] }));
  const ns = (name: string): number => find(results, name).nsPerOp;
  return report('logger-destinations', results, ['pino, destination sync:true'], [
    ratio('own buffer (bus + mapping + buffer) <= 1.2x pino sync:true', ns('attachLogger, own bounded buffer'), ns('pino, destination sync:true'), 1.2),
    { name: 'no line dropped with a 64 MiB buffer', ok: dropped === 0, detail: `${dropped} dropped` },
  ]);
}
