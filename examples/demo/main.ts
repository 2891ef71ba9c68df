// `npm run demo`: an instrumented GPU service. Real WGSL kernels on an instrumented Dawn device
// report themselves to the bus; one set of metric definitions feeds an HDR aggregator that
// /metrics, the live page, the alerts and StatsD read; spans go to a profile, the page's traces
// and (with --otlp) OpenTelemetry; events go to a JSON-lines log. One telemetry.shutdown() ends it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { telemetry, withCorrelation } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { PrometheusReporter, defaultBuckets } from '@rx-telemetry/prometheus';
import { livePage } from '@rx-telemetry/live-page';
import { attachLogger } from '@rx-telemetry/logger';
import { Alerts } from '@rx-telemetry/alerts';
import { health, monitorHealth } from '@rx-telemetry/health';
import { startPoller } from '@rx-telemetry/poller';
import { StatsdReporter } from '@rx-telemetry/statsd';
import { profile } from '@rx-telemetry/profile';
import { requestInstrumentedDevice } from '@rx-telemetry/webgpu';
import { ComputeBackend } from '@rx-telemetry/webgpu-kernels';
import { parseArgs, usage, UsageError } from './args.js';
import { metrics, rules } from './metrics.js';
import { startOtlp } from './otlp.js';
import { bold, dim, startSummary } from './summary.js';
import { random, runTask, startWorkload } from './workload.js';

let args: ReturnType<typeof parseArgs>;
try {
  args = parseArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`demo: ${error.message}`);
  process.exit(2);
}
if (args.help) {
  console.log(usage());
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'rx-telemetry-demo-'));
const logFile = join(dir, 'events.jsonl');
const profileFile = join(dir, 'sample-job.trace.json');
console.log(`${bold('rx-telemetry demo')}: an instrumented GPU service (Ctrl-C to stop, --help for the flags)`);
console.log(`${dim('files'.padEnd(8))} ${dir} (${args.keep ? 'kept at exit: --keep' : 'removed at exit; --keep keeps it'})`);

// 1. The store first, 2. what reads it, 3. what feeds it: shutdown stops them in reverse order.
const aggregator = new Aggregator(telemetry, { metrics, defaultBuckets, window: { durationMs: args.windowS * 1000, slices: 10 } });
const reporter = new PrometheusReporter(telemetry, { aggregator, prefix: 'rx', defaultLabels: { app: 'demo' } });
const page = livePage(telemetry, { aggregator, title: 'rx-telemetry demo: a GPU service', links: { '/metrics': '/metrics', '/health': '/health' }, facts: { log: logFile } });
monitorHealth(telemetry);
let server: Awaited<ReturnType<PrometheusReporter['listen']>>;
try {
  server = await reporter.listen({ port: args.port, routes: page.routes, health: () => health(telemetry) });
} catch (error) {
  console.error(`demo: cannot listen on 127.0.0.1:${args.port} (${(error as Error).message}); pass --port <n> (0 picks a free one)`);
  await telemetry.shutdown();
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
}
console.log(`${dim('page'.padEnd(8))} ${server.url}/   (metrics: ${server.url}/metrics, health: ${server.url}/health)`);
const logger = attachLogger(telemetry, { destination: logFile });
const alerts = new Alerts(telemetry, { aggregator, intervalMs: 1000, rules });
if (args.otlp !== undefined) startOtlp(telemetry, args.otlp);
if (args.statsd !== undefined) new StatsdReporter(telemetry, { metrics, host: args.statsd.host, port: args.statsd.port, prefix: 'rx' });

const gpu = await requestInstrumentedDevice(telemetry, { deviceId: 'gpu0' });
gpu.device.onuncapturederror = (event) => event.preventDefault(); // reported as device error events; Dawn need not print them too
startPoller(telemetry, {
  periodMs: 1000,
  measurements: ['memory', 'cpu', 'event_loop', 'gc', { event: ['demo', 'device', 'memory'], measure: () => ({ ...gpu.memory() }), metadata: { device: gpu.id } }],
});
console.log(`${dim('device'.padEnd(8))} ${gpu.info.description}${gpu.info.fallback ? ' (a CPU fallback adapter: Vulkan on the CPU)' : ''}, timestamps ${gpu.timestamps ? 'on' : 'off'}`);
if (gpu.info.fallback) {
  console.log(`${dim('note'.padEnd(8))} Dawn (the WebGPU engine) may print two "Warning: … artificially reduced …" lines above: it caps two buffer limits this CPU driver over-reports. Nothing here uses them; harmless.`);
}

// One profile of a sample job, written before the service starts: open it in ui.perfetto.dev.
const recording = profile(telemetry, { correlationId: 'sample-job', file: profileFile, counters: [{ name: 'device memory (bytes)', device: gpu.id, read: () => gpu.memory().liveBytes }] });
const sample = new ComputeBackend(gpu);
await withCorrelation('sample-job', () =>
  telemetry.span(['demo', 'job'], { task: 'sample', failure: 'none' }, async () => {
    const rnd = random(1);
    await Promise.all([runTask(sample, 'vector', rnd), runTask(sample, 'hdc', rnd)]);
    await runTask(sample, 'matmul', rnd);
  }),
);
await recording.stop();
console.log(`${dim('profile'.padEnd(8))} ${profileFile} (a sample job; open it in ui.perfetto.dev or chrome://tracing)`);

const workload = startWorkload(telemetry, gpu, args.rate);
const summary = startSummary({
  aggregator, alerts, gpu, stats: workload.stats, burst: workload.burst, durationS: args.durationS, rate: args.rate,
  logLines: () => logger.stats().written,
  where: [['page', `${server.url}/`], ['metrics', `${server.url}/metrics  ·  ${server.url}/health`], ['log', logFile]],
});

// Ctrl-C or --duration: one shutdown stops every part, last created first, nothing lost.
telemetry.shutdownOnSignals();
let stopping = false;
async function stop(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  summary.stop(false);
  const t0 = performance.now();
  const report = await telemetry.shutdown();
  summary.stop(true);
  const fired = alerts.history().filter((a) => a.status === 'firing').length;
  const resolved = alerts.history().filter((a) => a.status === 'resolved').length;
  console.log(`\n${bold('stopped')} (${reason}): telemetry.shutdown() stopped ${report.stopped.length} parts in ${(performance.now() - t0).toFixed(0)} ms${report.failed.length + report.abandoned.length ? `, failed: ${[...report.failed.map((f) => f.name), ...report.abandoned].join(', ')}` : ''}`);
  console.log(`${dim('total'.padEnd(8))} ${workload.stats.done} jobs done, ${workload.stats.failed} failed; alerts fired ${fired}, resolved ${resolved}; ${logger.stats().written} log lines`);
  if (args.keep) console.log(`${dim('kept'.padEnd(8))} ${dir}`);
  else {
    rmSync(dir, { recursive: true, force: true });
    console.log(`${dim('removed'.padEnd(8))} ${dir}`);
  }
  process.exitCode = report.failed.length + report.abandoned.length === 0 ? 0 : 1;
}
process.on('SIGINT', () => void stop('Ctrl-C'));
process.on('SIGTERM', () => void stop('SIGTERM'));
if (Number.isFinite(args.durationS)) setTimeout(() => void stop(`--duration ${args.durationS}`), args.durationS * 1000);
