// Dynamic and many event names (issue 11): emit cost against distinct names (fixed and rotating,
// beside EventEmitter with as many names); names nobody listens to while an events() stream is
// attached (new each time and repeated); the heap after a million distinct unknown names with a
// logger and a stream attached; and whether events() subscribe cost depends on the names ever emitted.
import { Telemetry, type EventName } from '@rx-telemetry/core';
import { attachLogger } from '@rx-telemetry/logger';
import { EventEmitter } from 'node:events';
import { consume, measure, pairedRatio, pick, report, type CaseResult, type Curve, type Metric, type SuiteResult } from './harness.js';
import type { Box } from './peers.js';
import { progress } from './progress.js';

const gc = (globalThis as { gc?: () => void }).gc;

function heapUsed(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

/** Emit cost with `count` names that each have a handler: the same name every time, or all of them in turn. */
function distinctNameCases(count: number, box: Box): CaseResult[] {
  const bus = new Telemetry();
  const ee = new EventEmitter();
  const names: EventName[] = Array.from({ length: count }, (_, i) => ['app', `svc${i % 100}`, `op${i}`, 'stop']);
  const strings = names.map((n) => n.join('.'));
  const handler = (_e: EventName, m: Readonly<Record<string, number>>): void => void (box.acc += m.duration);
  const listener = (m: { duration: number }): void => void (box.acc += m.duration);
  progress.step(`attaching ${count} names`);
  for (let i = 0; i < count; i++) {
    bus.attach(`h${i}`, names[i], handler);
    ee.on(strings[i], listener);
  }
  const handles = names.map((n) => bus.event(n));
  const m = { duration: 1 };
  const md = { user: 'u1' };
  const mask = count - 1;
  const rotate = (i: number): number => ((count & mask) === 0 ? i & mask : i % count);
  const label = `${count.toLocaleString('en-US')} names`;
  const eeFixed = `EventEmitter.emit, ${label}, fixed`;
  const eeRot = `EventEmitter.emit, ${label}, rotating`;
  return measure([
    { name: eeFixed, loop: (n) => { for (let i = 0; i < n; i++) ee.emit(strings[0], m); } },
    { name: eeRot, loop: (n) => { for (let i = 0; i < n; i++) ee.emit(strings[rotate(i)], m); } },
    { name: `emit(name), ${label}, fixed`, peer: eeFixed, loop: (n) => { for (let i = 0; i < n; i++) bus.emit(names[0], m, md); } },
    { name: `emit(name), ${label}, rotating`, peer: eeRot, loop: (n) => { for (let i = 0; i < n; i++) bus.emit(names[rotate(i)], m, md); } },
    { name: `handle.emit, ${label}, rotating`, peer: eeRot, loop: (n) => { for (let i = 0; i < n; i++) handles[rotate(i)].emit(m, md); } },
  ]);
}

/** Names nobody listens to, with and without an events() stream on the bus. */
function unknownNameCases(box: Box): CaseResult[] {
  const streamed = new Telemetry();
  const sub = streamed.events(['audit']).subscribe(() => void box.acc++);
  const plain = new Telemetry();
  plain.attach('other', ['audit', 'login'], () => void box.acc++);
  const m = { duration: 1 };
  const repeated: EventName = ['req', 'user', 'u42', 'stop'];
  let k = 0;
  let j = 0;
  let f = 0;
  const FLOOR = 'build a new name only (floor)';
  const cases = measure([
    { name: FLOOR, loop: (n) => { for (let i = 0; i < n; i++) consume(['req', 'user', `u${f++}`, 'stop']); } },
    { name: 'emit, unknown name, new each time, stream attached', peer: FLOOR, loop: (n) => { for (let i = 0; i < n; i++) streamed.emit(['req', 'user', `u${k++}`, 'stop'], m); } },
    { name: 'emit, unknown name, new each time, no stream', peer: FLOOR, loop: (n) => { for (let i = 0; i < n; i++) plain.emit(['req', 'user', `u${j++}`, 'stop'], m); } },
    { name: 'emit, unknown name, repeated, stream attached', loop: (n) => { for (let i = 0; i < n; i++) streamed.emit(repeated, m); } },
  ]);
  sub.unsubscribe();
  return cases;
}

/** Heap growth while `count` distinct unknown names are emitted on a bus with a logger and a stream. */
async function unknownNameHeap(count: number, box: Box): Promise<number> {
  const bus = new Telemetry();
  const logger = attachLogger(bus, { destination: '/dev/null', events: [['http', 'request', 'exception']] });
  const sub = bus.events(['audit']).subscribe(() => void box.acc++);
  const m = { duration: 1 };
  // Warm the path first so JIT code and inline caches are not counted.
  for (let i = 0; i < 10_000; i++) bus.emit(['warm', 'up', `w${i}`, 'stop'], m);
  const before = heapUsed();
  for (let i = 0; i < count; i++) {
    if ((i & 0xffff) === 0) progress.step(`unknown names: ${i.toLocaleString('en-US')} / ${count.toLocaleString('en-US')}`);
    bus.emit(['req', 'route', `r${i}`, 'stop'], m, { user: i });
  }
  const grown = heapUsed() - before;
  // Read the bus after the measurement: were it dead to the GC, whatever it retained would be freed
  // by the measurement's own GC and the heap would read flat whatever the bus kept.
  consume(bus.listHandlers().length + bus.invalidNames);
  sub.unsubscribe();
  await logger.stop();
  return grown;
}

/** events() subscribe + unsubscribe on a bus that saw 10 names and on one that saw `count`. */
function subscribeCases(count: number): CaseResult[] {
  const fresh = new Telemetry();
  const used = new Telemetry();
  // Both buses carry a stream (so unknown names are matched against patterns) and a handler.
  const keepFresh = fresh.events(['audit']).subscribe(() => undefined);
  const keepUsed = used.events(['audit']).subscribe(() => undefined);
  fresh.attach('h', ['app', 'x'], () => undefined);
  used.attach('h', ['app', 'x'], () => undefined);
  const m = { duration: 1 };
  for (let i = 0; i < 10; i++) fresh.emit(['req', 'route', `r${i}`, 'stop'], m);
  for (let i = 0; i < count; i++) used.emit(['req', 'route', `r${i}`, 'stop'], m);
  const FRESH = 'events() subscribe + unsubscribe, bus that emitted 10 names';
  const cases = measure(
    [
      { name: FRESH, loop: (n) => { for (let i = 0; i < n; i++) fresh.events(['billing']).subscribe(() => undefined).unsubscribe(); } },
      { name: `events() subscribe + unsubscribe, bus that emitted ${count.toLocaleString('en-US')} names`, peer: FRESH, loop: (n) => { for (let i = 0; i < n; i++) used.events(['billing']).subscribe(() => undefined).unsubscribe(); } },
    ],
    { initialN: 1 },
  );
  keepFresh.unsubscribe();
  keepUsed.unsubscribe();
  return cases;
}

export async function run(): Promise<SuiteResult> {
  const box: Box = { acc: 0.5 };
  const cases: CaseResult[] = [];
  const metrics: Record<string, Metric> = {};
  const counts = pick([10, 1000, 100_000], [10, 1000]);
  const points: Record<string, [number, number][]> = {};
  for (const count of counts) {
    const c = distinctNameCases(count, box);
    cases.push(...c);
    for (const r of c) {
      const series = r.name.replace(/, [\d,]+ names/, '');
      (points[series] ??= []).push([count, r.nsPerOp]);
    }
  }
  const curve: Curve = {
    id: 'emit-vs-names',
    title: 'emit cost against distinct names (each with a handler)',
    x: 'distinct names',
    y: 'ns per emit',
    series: Object.entries(points).map(([name, p]) => ({ name, points: p })),
  };
  cases.push(...unknownNameCases(box));

  const heapNames = pick(1_000_000, 200_000);
  const grown = await unknownNameHeap(heapNames, box);
  metrics['heap growth per 1,000,000 distinct unknown names (logger + stream attached)'] = {
    value: (grown / heapNames) * 1e6 / 1e6,
    unit: 'MB',
    note: `${heapNames.toLocaleString('en-US')} names emitted: ${(grown / 1e6).toFixed(1)} MB, ${Math.round(grown / heapNames)} B per name`,
  };
  const subscribeAfter = pick(200_000, 50_000);
  const sub = subscribeCases(subscribeAfter);
  cases.push(...sub);
  metrics['events() subscribe, after / before many names'] = { value: pairedRatio(sub[1], sub[0]), unit: 'x', note: `${subscribeAfter.toLocaleString('en-US')} names vs 10, paired` };
  consume(box.acc);
  const peers = cases.filter((c) => c.name.startsWith('EventEmitter') || c.name.startsWith('build a new name') || c.name.endsWith('emitted 10 names')).map((c) => c.name);
  return report('names', cases, peers, [], { metrics, curves: [curve] });
}
