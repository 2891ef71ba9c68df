// What the demo measures: one set of definitions for the aggregator, Prometheus, StatsD, the
// alerts and the live page (reporterOptions.livePage says how the page groups them). The names
// are the ones grafana/ reads (grafana/README.md lists their Prometheus names).
import { counter, distribution, lastValue, sum, summary } from '@rx-telemetry/core';
import type { AlertRule } from '@rx-telemetry/alerts';

const seconds = { from: 'nanosecond', to: 'second' } as const;
const throughput = (label: string, stat: 'rate' = 'rate') => ({ livePage: { chart: 'Throughput', stat, combined: true, label } });
const errors = (label: string) => ({ livePage: { chart: 'Errors per second', stat: 'rate' as const, combined: true, label } });

export const metrics = [
  // Kernels: CPU-side time (submit to done) per kernel, GPU time from timestamp queries, speed categories.
  distribution('compute.kernel.dispatch.stop.duration', {
    tags: ['kernel'], unit: seconds, description: 'Kernel time, CPU side (submit to done)',
    reporterOptions: { livePage: { also: { chart: 'GPU time vs CPU-side time (mean per dispatch)', stat: 'mean', combined: true, label: 'CPU side (submit to done)' } } },
  }),
  distribution('compute.kernel.dispatch.stop.gpuDuration', {
    tags: ['kernel'], unit: seconds, description: 'Kernel execution time from GPU timestamp queries',
    reporterOptions: { livePage: { chart: 'GPU time vs CPU-side time (mean per dispatch)', stat: 'mean', combined: true, label: 'GPU (timestamp queries)' } },
  }),
  counter('compute.kernel.dispatch.stop.count', { tags: ['kernel', 'category'], description: 'Dispatches by kernel and speed category', reporterOptions: throughput('kernel dispatches') }),
  // Jobs: one span per job (demo.job), each a few kernels.
  distribution('demo.job.stop.duration', { unit: seconds, description: 'Job latency (a few kernels each)' }),
  counter('demo.job.stop.count', { description: 'Jobs done', reporterOptions: throughput('jobs done') }),
  counter('demo.job.exception.count', { description: 'Jobs that failed', reporterOptions: throughput('jobs failed') }),
  // Errors, by where they happened.
  counter('compute.kernel.compile.exception.count', { tags: ['kernel'], description: 'Pipelines that failed to compile', reporterOptions: errors('compile failures') }),
  counter('compute.kernel.dispatch.exception.count', { tags: ['kernel'], description: 'Dispatches that failed', reporterOptions: errors('dispatch failures') }),
  counter('compute.memory.transfer.exception.count', { tags: ['direction'], description: 'Transfers that failed', reporterOptions: errors('transfer failures') }),
  counter('compute.device.error.count', { tags: ['device', 'type'], description: 'Device errors (validation, out-of-memory, internal)', reporterOptions: errors('device errors') }),
  counter('compute.device.lost.count', { tags: ['device', 'reason'], description: 'Devices lost or destroyed', reporterOptions: { livePage: { hidden: true } } }),
  // Transfers and device memory.
  sum('compute.memory.transfer.stop.bytes', { tags: ['direction'], unit: 'byte', description: 'Bytes moved between host and device' }),
  summary('compute.memory.transfer.stop.duration', { tags: ['direction'], unit: seconds, description: 'Transfer time', reporterOptions: { livePage: { hidden: true } } }),
  sum('compute.memory.allocate.bytes', { tags: ['device'], unit: 'byte', description: 'Device buffer bytes allocated', reporterOptions: { livePage: { hidden: true } } }),
  sum('compute.memory.free.bytes', { tags: ['device'], unit: 'byte', description: 'Device buffer bytes freed', reporterOptions: { livePage: { hidden: true } } }),
  lastValue('demo.device.memory.liveBytes', { tags: ['device'], unit: 'byte', description: 'Device memory in use', reporterOptions: { livePage: { chart: 'Device memory', label: 'in use' } } }),
  lastValue('demo.device.memory.peakBytes', { tags: ['device'], unit: 'byte', description: 'Device memory peak', reporterOptions: { livePage: { chart: 'Device memory', label: 'peak' } } }),
  // The process, from the poller.
  lastValue('vm.event_loop.p99', { unit: seconds, description: 'Event-loop delay p99 over the poll period', reporterOptions: { livePage: { chart: 'Event-loop delay', label: 'p99' } } }),
  lastValue('vm.event_loop.max', { unit: seconds, description: 'Event-loop delay max over the poll period', reporterOptions: { livePage: { chart: 'Event-loop delay', label: 'max' } } }),
  lastValue('vm.memory.heapUsed', { unit: 'byte', description: 'V8 heap used', reporterOptions: { livePage: { chart: 'Process memory', label: 'heap used' } } }),
  lastValue('vm.memory.rss', { unit: 'byte', description: 'Resident set size', reporterOptions: { livePage: { chart: 'Process memory', label: 'rss' } } }),
  lastValue('vm.cpu.utilization', { description: 'Process CPU use, 0..1 of the available cores' }),
];

/**
 * Alert rules. JobErrorRatioHigh fires in every run: the workload has an error burst from 5 s to
 * 11 s of each minute, and resolves once the burst has left the window. The others watch for
 * what should not happen.
 */
export const rules: AlertRule[] = [
  {
    name: 'JobErrorRatioHigh', severity: 'warning',
    ratio: { numerator: 'demo.job.exception.count', denominator: 'demo.job.stop.count' }, op: '>', threshold: 0.15,
    annotations: { summary: 'more than 15 failed jobs per 100 done over the window' },
  },
  {
    name: 'KernelP99High', severity: 'warning', metric: 'compute.kernel.dispatch.stop.duration', stat: 'p99', op: '>', threshold: 0.5,
    annotations: { summary: 'a kernel p99 above 500 ms' },
  },
  {
    name: 'DeviceMemoryHigh', severity: 'warning', metric: 'demo.device.memory.liveBytes', stat: 'value', op: '>', threshold: 1024 ** 3,
    annotations: { summary: 'more than 1 GiB of device buffers in use' },
  },
];
