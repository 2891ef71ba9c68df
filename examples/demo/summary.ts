// The terminal view: a block that refreshes in place on a terminal, plain periodic lines otherwise.
// Everything comes from public read sides: the aggregator's snapshot, the alerts, the device.
import type { Alerts } from '@rx-telemetry/alerts';
import type { Aggregator, MetricSnapshot } from '@rx-telemetry/hdr';
import type { InstrumentedDevice } from '@rx-telemetry/webgpu';
import type { WorkloadStats } from './workload.js';

export interface SummaryInputs {
  readonly aggregator: Aggregator;
  readonly alerts: Alerts;
  readonly gpu: InstrumentedDevice;
  readonly stats: WorkloadStats;
  readonly burst: () => boolean;
  readonly where: readonly [string, string][];
  readonly durationS: number;
  readonly rate: number;
  readonly logLines: () => number;
}

const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
const paint = (code: string) => (s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
export const bold = paint('1');
export const dim = paint('2');
export const red = paint('31');
export const green = paint('32');
export const yellow = paint('33');

export function ms(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '–';
  const v = seconds * 1e3;
  return v < 1 ? `${(v * 1e3).toFixed(0)} µs` : v < 100 ? `${v.toFixed(2)} ms` : `${v.toFixed(0)} ms`;
}

export function bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

const total = (m: MetricSnapshot | undefined): number => (m?.series ?? []).reduce((s, x) => s + (x.value ?? x.total?.count ?? 0), 0);
const value = (m: MetricSnapshot | undefined): number | undefined => m?.series[0]?.value;

/** Renders the summary every second until stopped; returns the stop function. */
export function startSummary(inputs: SummaryInputs): { stop(final?: boolean): void } {
  const started = Date.now();
  const done: number[] = [];
  let drawn = 0;
  let lastPlain = 0;

  const lines = (): string[] => {
    const snapshot = inputs.aggregator.snapshot();
    const metric = (name: string) => snapshot.metrics.find((m) => m.name === name);
    const s = inputs.stats;
    done.push(s.done);
    if (done.length > 6) done.shift();
    const perSecond = done.length > 1 ? (done[done.length - 1] - done[0]) / (done.length - 1) : 0;
    const elapsed = Math.round((Date.now() - started) / 1000);
    const windowS = Math.round(snapshot.windowMs / 1000);
    const out: string[] = [];
    const of = Number.isFinite(inputs.durationS) ? ` of ${inputs.durationS} s` : ' (Ctrl-C to stop)';
    out.push(`${bold('rx-telemetry demo')} · ${elapsed} s${of}${inputs.burst() ? ` · ${yellow('error burst on (5–11 s of each minute)')}` : ''}`);
    for (const [k, v] of inputs.where) out.push(`${dim(k.padEnd(8))} ${v}`);
    const failedPct = s.started > 0 ? ((100 * s.failed) / Math.max(1, s.done + s.failed)).toFixed(1) : '0.0';
    out.push(`${dim('jobs'.padEnd(8))} ${s.done} done, ${s.failed > 0 ? red(`${s.failed} failed`) : '0 failed'} (${failedPct} %), ${perSecond.toFixed(1)}/s now (target ${inputs.rate}/s), ${s.inFlight} running, ${s.skipped} skipped`);
    const cpu = metric('compute.kernel.dispatch.stop.duration');
    const gpuTime = metric('compute.kernel.dispatch.stop.gpuDuration');
    out.push(dim(`kernel       dispatches   p50 (last ${windowS} s)  p95         p99         GPU p50`));
    for (const series of [...(cpu?.series ?? [])].sort((a, b) => a.tags.kernel.localeCompare(b.tags.kernel))) {
      const w = series.window;
      const g = gpuTime?.series.find((x) => x.tags.kernel === series.tags.kernel)?.window;
      out.push(`${series.tags.kernel.padEnd(12)} ${String(series.total?.count ?? 0).padStart(10)}   ${ms(w?.count ? w.p50 : undefined).padEnd(17)} ${ms(w?.count ? w.p95 : undefined).padEnd(11)} ${ms(w?.count ? w.p99 : undefined).padEnd(11)} ${ms(g?.count ? g.p50 : undefined)}`);
    }
    const errs = [
      ['compile', total(metric('compute.kernel.compile.exception.count'))],
      ['dispatch', total(metric('compute.kernel.dispatch.exception.count'))],
      ['transfer', total(metric('compute.memory.transfer.exception.count'))],
      ['device errors', total(metric('compute.device.error.count'))],
    ] as const;
    out.push(`${dim('errors'.padEnd(8))} ${errs.map(([k, n]) => `${k} ${n > 0 ? red(String(n)) : '0'}`).join(' · ')}  ${dim('(deliberate: invalid shader, out-of-range dispatch, buffer mapping)')}`);
    const mem = inputs.gpu.memory();
    out.push(`${dim('device'.padEnd(8))} ${inputs.gpu.id}: ${bytes(mem.liveBytes)} in ${mem.buffers} buffers (peak ${bytes(mem.peakBytes)})`);
    const heap = value(metric('vm.memory.heapUsed'));
    const loop = value(metric('vm.event_loop.p99'));
    out.push(`${dim('process'.padEnd(8))} heap ${heap === undefined ? '–' : bytes(heap)} · event-loop delay p99 ${ms(loop)} · log ${inputs.logLines()} lines`);
    const firing = inputs.alerts.active().filter((a) => a.status === 'firing');
    const resolved = inputs.alerts.history().filter((a) => a.status === 'resolved');
    const label = (a: { name: string; labels: Readonly<Record<string, string>>; value: number; threshold: number }) =>
      `${a.name}${Object.keys(a.labels).length ? `{${Object.entries(a.labels).map(([k, v]) => `${k}=${v}`).join(',')}}` : ''} (${a.value.toPrecision(3)} > ${a.threshold})`;
    out.push(`${dim('alerts'.padEnd(8))} ${firing.length ? red(`FIRING ${firing.map(label).join(', ')}`) : green('none firing')}${resolved.length ? ` · resolved so far: ${resolved.length} (${[...new Set(resolved.map((a) => a.name))].join(', ')})` : ''}`);
    out.push(dim(`note     p50/p95/p99 are HDR-histogram values (within 1%) over the last ${windowS} s; Prometheus' histogram_quantile() interpolates inside bucket bounds, so its p99 can differ.`));
    return out;
  };

  const draw = (final = false): void => {
    const block = lines();
    if (process.stdout.isTTY === true) {
      const clear = drawn > 0 ? `\x1b[${drawn}F\x1b[J` : '';
      process.stdout.write(`${clear}${block.join('\n')}\n`);
      drawn = block.length;
    } else if (final || Date.now() - lastPlain >= 10_000) {
      // Not a terminal: the essentials every 10 s, one line each.
      lastPlain = Date.now();
      if (final) process.stdout.write(`${block.join('\n')}\n`);
      else {
        const pick = (prefix: string) => (block.find((l) => l.startsWith(prefix)) ?? '').slice(9);
        process.stdout.write(`[${Math.round((Date.now() - started) / 1000)} s] jobs ${pick('jobs')} | alerts ${pick('alerts')}\n`);
      }
    }
  };
  const timer = setInterval(draw, 1000);
  timer.unref();
  draw();
  return {
    stop(final = true) {
      clearInterval(timer);
      if (final) draw(true);
    },
  };
}
