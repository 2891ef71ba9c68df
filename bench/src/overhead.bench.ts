// Overhead on a real workload (issue 11): the WebGPU kernel loop of @rx-telemetry/webgpu-kernels'
// ComputeBackend (vector add, matmul, reduce, with uploads and reads: 70 compile, dispatch and
// transfer events per job) with every reporter attached and with none, in percent.
//
// Each arm is its own bus and instrumented device, so reporters stay attached as in a program
// (re-creating them around every measurement would time their start-up instead): nothing
// attached; nothing attached on another device (an A/A control: what device differences and the
// machine's noise alone make of two identical arms); every reporter; and each reporter alone.
// Rounds run every arm in rotating order; an arm's overhead is the median over rounds of its time
// over the bare arm's in the same round. "Every reporter": an Aggregator with the compute metrics
// and a PrometheusReporter over it, a StatsdReporter sending to a local UDP sink, the OpenTelemetry
// span bridge (no-op span processor) and attachLogger logging every event to /dev/null.
import { BasicTracerProvider, NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { counter, distribution, sum, Telemetry } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { attachLogger } from '@rx-telemetry/logger';
import { bridgeSpans } from '@rx-telemetry/otel';
import { defaultBuckets, PrometheusReporter } from '@rx-telemetry/prometheus';
import { StatsdReporter } from '@rx-telemetry/statsd';
import { requestInstrumentedDevice, type InstrumentedDevice } from '@rx-telemetry/webgpu';
import { ComputeBackend, matmul, reduceSum, vectorAdd } from '@rx-telemetry/webgpu-kernels';
import { createSocket } from 'node:dgram';
import { median } from './format.js';
import { consume, pick, report, type CaseResult, type Metric, type SuiteResult } from './harness.js';
import { progress } from './progress.js';

const NS_TO_MS = { from: 'nanosecond', to: 'millisecond' } as const;

const METRICS = [
  distribution('compute.kernel.dispatch.stop.duration', { tags: ['kernel', 'device'], unit: NS_TO_MS }),
  counter('compute.kernel.dispatch.stop.count', { tags: ['kernel', 'device'] }),
  sum('compute.transfer.stop.bytes', { tags: ['direction'], unit: 'byte' }),
];

type Stop = () => Promise<void>;
type Reporter = 'aggregator + prometheus' | 'statsd' | 'otel bridge' | 'logger';
const REPORTERS: readonly Reporter[] = ['aggregator + prometheus', 'statsd', 'otel bridge', 'logger'];

function attach(bus: Telemetry, which: Reporter, statsdPort: number): Stop {
  switch (which) {
    case 'aggregator + prometheus': {
      const aggregator = new Aggregator(bus, { metrics: METRICS, defaultBuckets });
      const prometheus = new PrometheusReporter(bus, { aggregator });
      return async () => {
        consume(prometheus.render('text').length);
        await prometheus.stop();
        await aggregator.stop();
      };
    }
    case 'statsd': {
      const statsd = new StatsdReporter(bus, { metrics: METRICS, host: '127.0.0.1', port: statsdPort });
      return () => statsd.stop();
    }
    case 'otel bridge': {
      const provider = new BasicTracerProvider({ spanProcessors: [new NoopSpanProcessor()] });
      const bridge = bridgeSpans(bus, { tracer: provider.getTracer('bench'), orphanTimeoutMs: Infinity });
      return async () => {
        await bridge.stop();
        await provider.shutdown();
      };
    }
    case 'logger': {
      const logger = attachLogger(bus, { destination: '/dev/null' });
      return () => logger.stop();
    }
  }
}

interface Arm {
  readonly name: string;
  readonly bus: Telemetry;
  readonly gpu: InstrumentedDevice;
  readonly job: () => Promise<void>;
  readonly stops: Stop[];
}

export async function run(): Promise<SuiteResult> {
  const sink = createSocket('udp4');
  let packets = 0;
  sink.on('message', () => void packets++);
  await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
  const port = sink.address().port;

  const x = new Float32Array(1 << 16).map((_, i) => (i % 97) / 97);
  const a = new Float32Array(64 * 64).map((_, i) => (i % 13) / 13);
  let acc = 0;
  const arm = async (name: string, reporters: readonly Reporter[]): Promise<Arm> => {
    const bus = new Telemetry();
    const gpu = await requestInstrumentedDevice(bus, { deviceId: `gpu-${name}` });
    const backend = new ComputeBackend(gpu);
    const stops = reporters.map((r) => attach(bus, r, port));
    const job = async (): Promise<void> => {
      const added = await vectorAdd(backend, x, x);
      const product = await matmul(backend, a, a, { m: 64, k: 64, n: 64 });
      acc += added[7] + product[5] + (await reduceSum(backend, added));
    };
    return { name, bus, gpu, job, stops };
  };
  const NONE = 'kernel loop job, no reporter attached';
  const CONTROL = 'kernel loop job, nothing attached, another device (A/A control)';
  const EVERY = 'kernel loop job, every reporter attached';
  const arms: Arm[] = [await arm(NONE, []), await arm(CONTROL, []), await arm(EVERY, REPORTERS)];
  for (const r of REPORTERS) arms.push(await arm(`kernel loop job, ${r} only`, [r]));
  // Compile every kernel and warm the JIT on every arm.
  for (const m of arms) for (let i = 0; i < 4; i++) await m.job();

  const jobsPerRound = pick(4, 3);
  const rounds = pick(30, 10);
  const samples = arms.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    progress.step(`kernel loop, round ${r + 1}/${rounds}`);
    for (let k = 0; k < arms.length; k++) {
      const i = (r + k) % arms.length;
      const t0 = process.hrtime.bigint();
      for (let j = 0; j < jobsPerRound; j++) await arms[i].job();
      samples[i].push(Number(process.hrtime.bigint() - t0) / jobsPerRound);
    }
  }
  for (const m of arms) {
    for (const stop of m.stops) await stop();
    await m.gpu.stop();
    await m.bus.shutdown();
  }
  sink.close();
  consume(acc);
  if (packets === 0) throw new Error('the StatsD sink received nothing: the reporters were not attached');

  const none = samples[0];
  const percent = (xs: readonly number[]): number[] => xs.map((v, i) => (v / none[i] - 1) * 100);
  const quartiles = (xs: readonly number[]): string => {
    const s = [...xs].sort((p, q) => p - q);
    return `${s[Math.floor(s.length / 4)].toFixed(1)}% to ${s[Math.floor((3 * s.length) / 4)].toFixed(1)}%`;
  };
  const cases: CaseResult[] = arms.map((m, i) => ({ name: m.name, nsPerOp: median(samples[i]), batches: samples[i], group: -1, ...(i > 0 ? { peer: NONE } : {}) }));
  const metrics: Record<string, Metric> = {};
  const every = percent(samples[2]);
  metrics['kernel loop, every reporter attached vs none'] = {
    value: median(every),
    unit: '%',
    note: `median of ${rounds} paired rounds of ${jobsPerRound} jobs, quartiles ${quartiles(every)}; a job = vectorAdd 65,536 + matmul 64x64x64 + reduceSum`,
  };
  const control = percent(samples[1]);
  metrics['kernel loop, A/A control (another device, nothing attached)'] = { value: median(control), unit: '%', note: `the noise floor of this measurement in this run: quartiles ${quartiles(control)}` };
  REPORTERS.forEach((r, k) => {
    const p = percent(samples[3 + k]);
    metrics[`kernel loop, ${r} only`] = { value: median(p), unit: '%', note: `quartiles ${quartiles(p)}` };
  });
  metrics['StatsD packets received'] = { value: packets, unit: 'packets' };
  progress.cases(cases);
  return report('overhead', cases, [NONE], [], { metrics });
}
