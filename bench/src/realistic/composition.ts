// The realistic process of issue 11: every package loaded, an aggregator with ten definitions, a
// Prometheus reporter, a logger writing to /dev/null and 22 unrelated handlers on 200 other names
// (some with two handlers, a quarter emitted through handles), all exercised before measuring so
// that core's call sites have seen many shapes and handlers (megamorphic, as in an application).
import { counter, distribution, lastValue, sum, summary, type EventName, type Handler, type MetricDefinition, type Telemetry } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { attachLogger } from '@rx-telemetry/logger';
import { defaultBuckets, PrometheusReporter } from '@rx-telemetry/prometheus';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Every public package of the repository (packages/*, not private), found at run time so a new
 * package is loaded without listing it here; each is imported through its package.json `exports`
 * entry (its public API, not its internals).
 */
export function publicPackages(): { readonly name: string; readonly entry: string }[] {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'packages');
  const out: { name: string; entry: string }[] = [];
  for (const d of readdirSync(dir).sort()) {
    const file = join(dir, d, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; private?: boolean; exports?: Record<string, { import?: string; default?: string } | string> };
    const main = pkg.exports?.['.'];
    const entry = typeof main === 'string' ? main : (main?.import ?? main?.default);
    if (pkg.private === true || pkg.name === undefined || entry === undefined) continue;
    out.push({ name: pkg.name, entry: pathToFileURL(join(dir, d, entry)).href });
  }
  return out;
}

const NS_TO_S = { from: 'nanosecond', to: 'second' } as const;

/** The definitions the headline paths record through (each on an event no other definition reads). */
export const PATH_METRICS = {
  distribution: distribution('compute.kernel.dispatch.stop.duration', { tags: ['kernel', 'device'], unit: NS_TO_S }),
  counter: counter('cache.lookup.stop.count', { tags: ['cache', 'result'] }),
  render: distribution('app.job.stop.duration', { tags: ['job', 'shard'], unit: NS_TO_S }),
} as const;

/** Seven more, on the events an HTTP service with a database and a queue emits. */
const APP_METRICS: readonly MetricDefinition[] = [
  distribution('http.request.stop.duration', { tags: ['method', 'route', 'status'], unit: NS_TO_S }),
  counter('http.request.stop.count', { tags: ['method', 'route', 'status'] }),
  distribution('db.query.stop.duration', { tags: ['table'], unit: NS_TO_S }),
  counter('db.query.exception.count', { tags: ['table'] }),
  lastValue('vm.memory.heapUsed', { unit: 'byte' }),
  sum('http.response.sent.bytes', { tags: ['route'], unit: 'byte' }),
  summary('queue.job.wait.duration', { unit: NS_TO_S }),
];

export const ALL_METRICS: readonly MetricDefinition[] = [...APP_METRICS, PATH_METRICS.distribution, PATH_METRICS.counter, PATH_METRICS.render];

// Handlers that do different things, so a dispatch site that calls them cannot stay monomorphic.
const st = { n: 0, sum: 0, last: 0, max: 0, min: Infinity, ri: 0, text: '', flag: false };
const ring = new Float64Array(256);
const hist = new Uint32Array(64);
const byName = new Map<string, number>();
const routes = new Set<string>();
const users: string[] = [];
export const UNRELATED_HANDLERS: readonly Handler[] = [
  () => void st.n++,
  (_e, m) => void (st.sum += m.duration ?? 0),
  (e) => void byName.set(e[2], (byName.get(e[2]) ?? 0) + 1),
  (_e, m) => void (ring[st.ri++ & 255] = m.duration ?? 0),
  (_e, _m, md) => void (typeof md.route === 'string' && routes.add(md.route)),
  (_e, m) => void ((m.duration ?? 0) > st.max && (st.max = m.duration)),
  (_e, m) => void ((m.duration ?? Infinity) < st.min && (st.min = m.duration)),
  (_e, m) => void hist[Math.min(63, 32 - Math.clz32((m.duration ?? 0) >>> 0))]++,
  (e, _m, md) => void (st.text = `${e.join('.')}:${String(md.user ?? '')}`),
  (_e, m) => void (st.last = performance.now() - (m.monotonicTime ?? 0)),
  (_e, _m, md) => void (md.user !== undefined && users.length < 64 && users.push(String(md.user))),
  (_e, m) => void (st.sum += Object.keys(m).length),
  (e) => void (st.flag = e.length > 3),
  (_e, m, md) => void (st.sum += (m.bytes ?? 0) * (md.retry === true ? 2 : 1)),
  (_e, _m, md) => void (st.text = JSON.stringify(md).slice(0, 16)),
  (e, m) => void (m.duration !== undefined && byName.set(e.join('/'), m.duration)),
  (_e, m) => {
    for (const k in m) st.sum += m[k];
  },
  (_e, _m, md) => void (st.n += Array.isArray(md.tags) ? md.tags.length : 0),
  (e, m, md) => void (st.last = (m.duration ?? 0) / ((md.weight as number | undefined) ?? 1) + e.length),
  (_e, m) => void (st.max = Math.max(st.max, m.queue ?? 0, m.duration ?? 0)),
  // Handlers that return what their last call returned, as arrow functions in applications do
  // (the bus checks each such result for a promise).
  (e) => byName.set(e[1], st.n),
  (_e, m) => (st.sum += m.bytes ?? 0),
];

/** 200 names nobody else listens to: ten per unrelated handler, and the last two on every seventh (so some names have two handlers). */
export function unrelatedNames(): EventName[] {
  return Array.from({ length: 200 }, (_, i) => ['svc', `s${i % 20}`, `op${i}`, i % 3 === 0 ? 'start' : i % 3 === 1 ? 'stop' : 'exception']);
}

export interface Realistic {
  readonly aggregator: Aggregator;
  readonly reporter: PrometheusReporter;
  readonly loaded: readonly string[];
  /** Packages that failed to load (a package mid-change): reported with the results, not hidden. */
  readonly failed: readonly string[];
  stop(): Promise<void>;
}

/** Loads every package, attaches the composition to `bus`, and runs background traffic through it. */
export async function composeRealistic(bus: Telemetry): Promise<Realistic> {
  const loaded: string[] = [];
  const failed: string[] = [];
  for (const { name, entry } of publicPackages()) {
    try {
      await import(entry);
      loaded.push(name);
    } catch (e) {
      failed.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  // The paths use core, hdr, prometheus and logger: without them there is nothing to measure.
  const needed = ['@rx-telemetry/core', '@rx-telemetry/hdr', '@rx-telemetry/prometheus', '@rx-telemetry/logger'];
  const missing = needed.filter((n) => !loaded.includes(n));
  if (missing.length) throw new Error(`the realistic process cannot load ${missing.join(', ')}: ${failed.join('; ')}`);
  const aggregator = new Aggregator(bus, { metrics: ALL_METRICS, defaultBuckets });
  const reporter = new PrometheusReporter(bus, { aggregator });
  const logger = attachLogger(bus, {
    destination: '/dev/null',
    events: [['http', 'request', 'exception'], ['db', 'query', 'exception'], ['telemetry']],
  });
  const names = unrelatedNames();
  UNRELATED_HANDLERS.forEach((h, k) => {
    bus.attachMany(
      `unrelated-${k}`,
      names.filter((_, i) => (k < 20 ? i % 20 === k : i % 7 === k - 20)),
      h,
    );
  });
  background(bus, names);
  reporter.render('text');
  await logger.flush();
  return {
    aggregator,
    reporter,
    loaded,
    failed,
    async stop() {
      for (let k = 0; k < UNRELATED_HANDLERS.length; k++) bus.detach(`unrelated-${k}`);
      await bus.shutdown();
    },
  };
}

/**
 * Traffic of every kind the composition handles, with metadata of several shapes: by name, and
 * through handles (a quarter of the unrelated names, emitted from one shared call site, as a
 * helper that takes a handle would).
 */
export function background(bus: Telemetry, names: readonly EventName[], rounds = 200): void {
  const routesList = ['/users', '/users/:id', '/orders', '/health'];
  const handles = names.map((name, i) => (i % 4 === 1 ? bus.event(name) : undefined));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const shape = (r + i) % 4;
      const md =
        shape === 0 ? { route: routesList[i & 3] } : shape === 1 ? { user: `u${i}`, retry: true } : shape === 2 ? { tags: ['a', 'b'], weight: 2 } : { route: routesList[r & 3], user: 'x', extra: r };
      const m = { duration: 1000 + r * 10 + i, monotonicTime: performance.now(), bytes: i, queue: r };
      const handle = handles[i];
      if (handle !== undefined) handle.emit(m, md);
      else bus.emit(names[i], m, md);
    }
    const route = routesList[r & 3];
    bus.emit(['http', 'request', 'stop'], { duration: 2e6 + r * 1000 }, { method: r & 1 ? 'GET' : 'POST', route, status: r % 7 === 0 ? '500' : '200' });
    bus.emit(['db', 'query', 'stop'], { duration: 3e5 + r * 100 }, { table: r & 1 ? 'users' : 'orders' });
    bus.emit(['http', 'response', 'sent'], { bytes: 512 + r }, { route });
    bus.emit(['vm', 'memory'], { heapUsed: process.memoryUsage().heapUsed }, {});
    bus.emit(['queue', 'job', 'wait'], { duration: 1e5 * (1 + (r % 5)) }, {});
    if (r % 50 === 0) {
      bus.emit(['db', 'query', 'exception'], { duration: 1e6 }, { table: 'users', error: new Error('deadlock') });
      bus.emit(['http', 'request', 'exception'], { duration: 5e6 }, { method: 'GET', route, error: new Error('boom') });
    }
    bus.span(names[(r * 7) % names.length].slice(0, 3), { route }, () => r);
  }
}
