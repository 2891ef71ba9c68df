// Overhead on a real workload (issue 11): the WebGPU kernel loop of @rx-telemetry/webgpu-kernels'
// ComputeBackend (vector add, matmul, reduce, with uploads and reads: 70 allocation, transfer and
// dispatch events per job) with every reporter attached and with none, in percent. Two figures
// (bench/notes/overhead.md says why the budget reads the second):
//
// 1. On the device: one bus and one instrumented device for every arm. Each round runs, in
//    rotating order, the bare arm, the bare arm again (the A/A control: reads ~0 when the
//    measurement is sound) and the every-reporter arm, whose reporters are attached before its
//    round and stopped after it (untimed; attaching re-uses the JIT's code, so one untimed job
//    warms the reporters' series and sockets). A round times `jobsPerRound` jobs plus the
//    reporters' flush. The overhead is the median over rounds of every/bare - 1.
// 2. The process's cost per job, without the GPU's noise (overhead-replay.ts): a job's events
//    replayed on a bus with every reporter attached and on a bare bus, paired; the added CPU time
//    per job (every thread: log writes on libuv's pool, GC) over the bare job's time on the device.
import { Telemetry } from '@rx-telemetry/core';
import { requestInstrumentedDevice } from '@rx-telemetry/webgpu';
import { ComputeBackend, matmul, reduceSum, vectorAdd } from '@rx-telemetry/webgpu-kernels';
import { createSocket } from 'node:dgram';
import { fmt, median } from './format.js';
import { consume, pick, report, type CaseResult, type Metric, type SuiteResult } from './harness.js';
import { attachAll, REPORTERS, type Attached, type Reporter, type Setup } from './overhead-reporters.js';
import { bareArm, measureReplay, observedArm, recordJob, Replay, type ReplayArm } from './overhead-replay.js';
import { progress } from './progress.js';

const SETUPS: readonly Setup[] = ['service', 'defaults'];
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function quartiles(xs: readonly number[], digits = 1): string {
  const s = [...xs].sort((p, q) => p - q);
  return `${s[Math.floor(s.length / 4)].toFixed(digits)}% to ${s[Math.floor((3 * s.length) / 4)].toFixed(digits)}%`;
}
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export async function run(): Promise<SuiteResult> {
  const sink = createSocket('udp4');
  let packets = 0;
  sink.on('message', () => void packets++);
  await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
  const port = sink.address().port;

  const x = new Float32Array(1 << 16).map((_, i) => (i % 97) / 97);
  const a = new Float32Array(64 * 64).map((_, i) => (i % 13) / 13);
  let acc = 0;
  const bus = new Telemetry();
  const gpu = await requestInstrumentedDevice(bus, { deviceId: 'gpu-0' });
  const backend = new ComputeBackend(gpu);
  const job = async (): Promise<void> => {
    const added = await vectorAdd(backend, x, x);
    const product = await matmul(backend, a, a, { m: 64, k: 64, n: 64 });
    acc += added[7] + product[5] + (await reduceSum(backend, added));
  };

  // 1. On the device. Compile every kernel and warm the JIT with and without reporters.
  const NONE = 'kernel loop job, no reporter attached';
  const CONTROL = 'kernel loop job, no reporter attached, again (A/A control)';
  const EVERY = 'kernel loop job, every reporter attached';
  const warm = attachAll(bus, REPORTERS, port, 'service');
  for (let i = 0; i < 6; i++) await job();
  await warm.stop();
  for (let i = 0; i < 6; i++) await job();
  const recording = await recordJob(bus, job);

  const arms: readonly (readonly Reporter[])[] = [[], [], REPORTERS];
  const jobsPerRound = pick(4, 3);
  const rounds = pick(45, 12);
  const samples = arms.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    progress.step(`kernel loop on the device, round ${r + 1}/${rounds}`);
    for (let k = 0; k < arms.length; k++) {
      const i = (r + k) % arms.length;
      const attached: Attached | undefined = arms[i].length === 0 ? undefined : attachAll(bus, arms[i], port, 'service');
      await job();
      await turn();
      const t0 = process.hrtime.bigint();
      for (let j = 0; j < jobsPerRound; j++) await job();
      await attached?.flush();
      await turn();
      samples[i].push(Number(process.hrtime.bigint() - t0) / jobsPerRound);
      await attached?.stop();
    }
  }
  await gpu.stop();
  await bus.shutdown();
  const bareJobNs = median(samples[0]);

  // 2. The process's cost per job, replayed: bare, bare again (A/A), then per set-up every
  // reporter and each alone.
  progress.step('replaying a job’s events');
  const replayArms: ReplayArm[] = [bareArm('bare', recording), bareArm('bare, again (A/A)', recording), observedArm('observed', recording)];
  const stops: (() => Promise<void>)[] = [];
  for (const setup of SETUPS) {
    for (const which of [REPORTERS, ...REPORTERS.map((r) => [r])]) {
      const b = new Telemetry();
      const attached = attachAll(b, which, port, setup);
      stops.push(async () => {
        await attached.stop();
        await b.shutdown();
      });
      replayArms.push({ name: `${which.length > 1 ? 'every reporter' : which[0]}, ${setup}`, replay: new Replay(b, recording), flush: attached.flush });
    }
  }
  const replayRounds = pick(41, 11);
  const replayJobs = pick(40, 20);
  const replay = await measureReplay(replayArms, replayRounds, replayJobs);
  for (const stop of stops) await stop();
  sink.close();
  consume(acc);
  if (packets === 0) throw new Error('the StatsD sink received nothing: the reporters were not attached');

  const percent = (xs: readonly number[]): number[] => xs.map((v, i) => (v / samples[0][i] - 1) * 100);
  const cases: CaseResult[] = [NONE, CONTROL, EVERY].map((name, i) => ({
    name,
    nsPerOp: median(samples[i]),
    batches: samples[i],
    group: -1,
    ...(i > 0 ? { peer: NONE } : {}),
  }));
  // Added per job: the mean of the paired differences (a mean, so GC and batched sends that land in
  // some rounds only are counted at their average), CPU time of the whole process.
  const addedCpu = (arm: number): number[] => replay.cpu[arm].map((v, i) => v - replay.cpu[0][i]);
  const addedWall = (arm: number): number[] => replay.wall[arm].map((v, i) => v - replay.wall[0][i]);
  const asPercent = (ns: number): number => (ns / bareJobNs) * 100;
  const perEvent = (ns: number): string => `${fmt(ns / recording.events)} per event`;

  const metrics: Record<string, Metric> = {};
  const armOf = (name: string): number => replayArms.findIndex((x) => x.name === name);
  const every = mean(addedCpu(armOf('every reporter, service')));
  metrics['kernel loop, every reporter attached vs none'] = {
    value: asPercent(every),
    unit: '%',
    note:
      `reporters as a GPU service runs them; the process's added CPU time per job, ${fmt(every)} (${perEvent(every)}, ${recording.events} events), over the bare job's ${fmt(bareJobNs)} on the device; ` +
      `mean of ${replayRounds} paired rounds of ${replayJobs} replayed jobs, quartiles ${quartiles(addedCpu(armOf('every reporter, service')).map(asPercent), 2)}; ` +
      `wall-clock ${asPercent(median(addedWall(armOf('every reporter, service')))).toFixed(2)}% (median)`,
  };
  metrics['kernel loop, A/A control of the replay (bare bus vs bare bus)'] = {
    value: asPercent(mean(addedCpu(1))),
    unit: '%',
    note: `quartiles ${quartiles(addedCpu(1).map(asPercent), 2)}`,
  };
  const observed = mean(addedCpu(2));
  metrics['kernel loop, events observed by a handler doing nothing (replayed)'] = {
    value: asPercent(observed),
    unit: '%',
    note: `${fmt(observed)} per job: the emit path's own cost (measurements and metadata built, core's spans and dispatch), part of every figure below`,
  };
  for (const setup of SETUPS) {
    for (const r of ['every reporter', ...REPORTERS]) {
      if (setup === 'service' && r === 'every reporter') continue;
      const added = mean(addedCpu(armOf(`${r}, ${setup}`)));
      metrics[`kernel loop, ${r}${r === 'every reporter' ? '' : ' only'}, ${setup} (replayed)`] = { value: asPercent(added), unit: '%', note: `${fmt(added)} per job, ${perEvent(added)}` };
    }
  }
  const device = percent(samples[2]);
  metrics['kernel loop on the device, every reporter attached vs none'] = {
    value: median(device),
    unit: '%',
    note: `median of ${rounds} paired rounds of ${jobsPerRound} jobs on one device, quartiles ${quartiles(device)}; a job = vectorAdd 65,536 + matmul 64x64x64 + reduceSum`,
  };
  const control = percent(samples[1]);
  metrics['kernel loop on the device, A/A control (same device, nothing attached)'] = { value: median(control), unit: '%', note: `quartiles ${quartiles(control)}` };
  metrics['kernel loop, events per job'] = { value: recording.events, unit: 'events', note: Object.entries(recording.counts).map(([n, c]) => `${n} ${c}`).join(', ') };
  metrics['StatsD packets received'] = { value: packets, unit: 'packets' };
  progress.cases(cases);
  return report('overhead', cases, [NONE], [], { metrics });
}
