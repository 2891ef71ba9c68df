// Overhead on a real workload (issue 11): the WebGPU kernel loop of @rx-telemetry/webgpu-kernels'
// ComputeBackend (vector add, matmul, reduce, with uploads and reads: 70 allocation, transfer and
// dispatch events per job) with every reporter attached and with none, in percent. Two figures
// (bench/notes/overhead.md says why the budget reads the first):
//
// 1. On the device: one bus and one instrumented device for every arm. Each round runs, in
//    rotating order, the bare arm, the bare arm again (the A/A control), the every-reporter arm
//    (reporters attached before its round and stopped after it, untimed; one untimed job after
//    attaching), a calibration arm (a handler burning a known CPU time per event) and a handler
//    doing nothing on every event. Every job is timed; each arm's fastest job of a round is
//    compared with the bare arm's of the same round, the median over rounds (other processes on
//    a shared VM stretch most jobs, and their load changes between rounds: paired by round, the
//    A/A read within 1% in 4 of 5 runs where the arms' 10th-percentile jobs read -5.7..-0.6%).
// 2. Replayed, without the GPU's noise (overhead-replay.ts): a job's events replayed on a bus with
//    the reporters and on a bare bus, paired; the process CPU time the reporters add per job
//    (every thread: log writes on libuv's pool, GC) over the bare job's time on the device.
import { Telemetry } from '@rx-telemetry/core';
import { requestInstrumentedDevice } from '@rx-telemetry/webgpu';
import { ComputeBackend, matmul, reduceSum, vectorAdd } from '@rx-telemetry/webgpu-kernels';
import { createSocket } from 'node:dgram';
import { fmt, median } from './format.js';
import { consume, pick, report, type CaseResult, type Metric, type SuiteResult } from './harness.js';
import { attachAll, REPORTERS, type Attached, type Setup } from './overhead-reporters.js';
import { bareArm, clearCaches, eventNames, measureReplay, observedArm, recordJob, Replay, type Recording, type ReplayArm } from './overhead-replay.js';
import { progress } from './progress.js';

const SETUPS: readonly Setup[] = ['service', 'defaults'];
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function quartiles(xs: readonly number[], digits = 1): string {
  const s = [...xs].sort((p, q) => p - q);
  return `${s[Math.floor(s.length / 4)].toFixed(digits)}% to ${s[Math.floor((3 * s.length) / 4)].toFixed(digits)}%`;
}
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((p, r) => p - r);
  return s[Math.floor(q * (s.length - 1))];
}
/** The quantile of job times the device figures compare. */
const LOW = 0.1;
/** The calibration arm's busy-wait per event: ~100 µs of JavaScript per job. */
const BURN_NS = 1500;

/** A handler on every event of the job that busy-waits `burnNs` (0: does nothing): what a known JS cost does to the loop. */
function burner(bus: Telemetry, recording: Recording, burnNs: number): Attached {
  const names = eventNames(recording);
  const id = `overhead-burn-${burnNs}`;
  bus.attachMany(
    id,
    names,
    burnNs === 0
      ? () => undefined
      : () => {
          const until = process.hrtime.bigint() + BigInt(burnNs);
          while (process.hrtime.bigint() < until);
        },
  );
  return { flush: () => Promise.resolve(), stop: async () => void bus.detach(id) };
}

/**
 * Arm `i` against the bare arm, paired by round: per round, the arm's fastest job over the bare
 * arm's fastest job of the same round (the rounds' arms run within ~0.1 s of each other, so a
 * change of the machine's load between rounds cancels), the median over rounds, in percent.
 */
function pairedByRound(samples: readonly (readonly number[])[], i: number, perRound: number): number {
  return (median(roundRatios(samples, i, perRound)) - 1) * 100;
}

/** Per round, arm `i`'s fastest job over the bare arm's fastest job of the same round. */
function roundRatios(samples: readonly (readonly number[])[], i: number, perRound: number): number[] {
  const ratios: number[] = [];
  for (let r = 0; r * perRound < samples[0].length; r++) {
    const arm = Math.min(...samples[i].slice(r * perRound, (r + 1) * perRound));
    const bare = Math.min(...samples[0].slice(r * perRound, (r + 1) * perRound));
    ratios.push(arm / bare);
  }
  return ratios;
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
  const BURN = `kernel loop job, a handler burning ${BURN_NS} ns of CPU per event (calibration)`;
  const NOOP = 'kernel loop job, a handler doing nothing on every event';
  const warm = attachAll(bus, REPORTERS, port, 'service');
  for (let i = 0; i < 6; i++) await job();
  await warm.stop();
  for (let i = 0; i < 6; i++) await job();
  const recording = await recordJob(bus, job);

  const arms: readonly ((() => Attached) | undefined)[] = [
    undefined,
    undefined,
    () => attachAll(bus, REPORTERS, port, 'service'),
    () => burner(bus, recording, BURN_NS),
    () => burner(bus, recording, 0),
  ];
  const jobsPerRound = pick(4, 3);
  const rounds = pick(60, 12);
  // Every job's time, per arm: the rounds' order and the machine's noise hit all arms alike.
  const samples = arms.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    progress.step(`kernel loop on the device, round ${r + 1}/${rounds}`);
    for (let k = 0; k < arms.length; k++) {
      const i = (r + k) % arms.length;
      const attached = arms[i]?.();
      await job();
      await turn();
      for (let j = 0; j < jobsPerRound; j++) {
        const t0 = process.hrtime.bigint();
        await job();
        samples[i].push(Number(process.hrtime.bigint() - t0));
      }
      await attached?.flush();
      await attached?.stop();
    }
  }
  await gpu.stop();
  await bus.shutdown();
  // The undisturbed job: on a shared VM most jobs are stretched by other processes taking the
  // CPU (medians move by 2x between runs); the 10th percentile of 240 jobs is stable (A/A within ~1%).
  const bareJobNs = quantile(samples[0], LOW);

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
  // The same with the caches cleared where the job awaited the GPU: bare, every reporter, each alone.
  progress.step('replaying a job’s events, caches cleared at each await');
  const clear = clearCaches();
  const coldArms: ReplayArm[] = [bareArm('bare, cold', recording, clear)];
  for (const which of [REPORTERS, ...REPORTERS.map((r) => [r])]) {
    const b = new Telemetry();
    const attached = attachAll(b, which, port, 'service');
    stops.push(async () => {
      await attached.stop();
      await b.shutdown();
    });
    coldArms.push({ name: which.length > 1 ? 'every reporter' : which[0], replay: new Replay(b, recording, clear), flush: attached.flush });
  }
  const coldRounds = pick(31, 7);
  const coldJobs = 10;
  const coldReplay = await measureReplay(coldArms, coldRounds, coldJobs);
  for (const stop of stops) await stop();
  sink.close();
  consume(acc);
  if (packets === 0) throw new Error('the StatsD sink received nothing: the reporters were not attached');

  const cases: CaseResult[] = [NONE, CONTROL, EVERY, BURN, NOOP].map((name, i) => ({
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
  metrics['kernel loop, every reporter attached vs none, replayed (process CPU per job)'] = {
    value: asPercent(every),
    unit: '%',
    note:
      `reporters as a GPU service runs them; the process's added CPU time per job, ${fmt(every)} (${perEvent(every)}, ${recording.events} events), over the bare job's ${fmt(bareJobNs)} on the device (10th percentile); ` +
      `mean of ${replayRounds} paired rounds of ${replayJobs} replayed jobs, quartiles ${quartiles(addedCpu(armOf('every reporter, service')).map(asPercent), 2)}; ` +
      `wall-clock ${asPercent(median(addedWall(armOf('every reporter, service')))).toFixed(2)}% (median)`,
  };
  const coldAdded = (arm: number): number[] => coldReplay.cpu[arm].map((v, i) => v - coldReplay.cpu[0][i]);
  const everyCold = mean(coldAdded(1));
  metrics['kernel loop, every reporter attached vs none, replayed with caches cleared at each await'] = {
    value: asPercent(everyCold),
    unit: '%',
    note: `${fmt(everyCold)} per job (${perEvent(everyCold)}): the reporters' code run cold, as between GPU work; mean of ${coldRounds} paired rounds of ${coldJobs} jobs, quartiles ${quartiles(coldAdded(1).map(asPercent), 2)}`,
  };
  REPORTERS.forEach((r, k) => {
    const added = mean(coldAdded(2 + k));
    metrics[`kernel loop, ${r} only, service, caches cleared (replayed)`] = { value: asPercent(added), unit: '%', note: `${fmt(added)} per job, ${perEvent(added)}` };
  });
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
  // The device: each arm against the bare arm paired by round (the fastest job of each), the
  // median over rounds; the arms' 10th-percentile jobs (the estimator before session 3) in the
  // notes. What a known amount of JavaScript per job does to the loop: the calibration arm's added
  // time beyond the no-op arm's (a handler that does nothing makes the webgpu package and core
  // build every event and span, which costs more on the device than replayed), over its burn.
  const low = (i: number): number => quantile(samples[i], LOW);
  const byLow = (i: number): number => (low(i) / low(0) - 1) * 100;
  const onDevice = (i: number): number => pairedByRound(samples, i, jobsPerRound);
  const bareFastest = median(Array.from({ length: rounds }, (_, r) => Math.min(...samples[0].slice(r * jobsPerRound, (r + 1) * jobsPerRound))));
  const medians = (i: number): string => `medians ${fmt(median(samples[i]))} vs ${fmt(median(samples[0]))}`;
  const jobs = `${samples[0].length} jobs per arm, ${rounds} rounds of ${jobsPerRound} on one device; a job = vectorAdd 65,536 + matmul 64x64x64 + reduceSum`;
  metrics['kernel loop, every reporter attached vs none'] = {
    value: onDevice(2),
    unit: '%',
    note:
      `on the device, reporters as a GPU service runs them: each round's fastest job against the bare arm's in the same round, median over rounds (bare ${fmt(bareFastest)}), ` +
      `rounds' quartiles ${quartiles(roundRatios(samples, 2, jobsPerRound).map((x) => (x - 1) * 100))}, A/A ${onDevice(1).toFixed(1)}% (quartiles ${quartiles(roundRatios(samples, 1, jobsPerRound).map((x) => (x - 1) * 100))}); ` +
      `10th-percentile jobs ${fmt(low(2))} vs ${fmt(low(0))}: ${byLow(2).toFixed(1)}%, A/A ${byLow(1).toFixed(1)}% (${medians(2)}); ${jobs}`,
  };
  metrics['kernel loop on the device, A/A control (same device, nothing attached)'] = {
    value: onDevice(1),
    unit: '%',
    note: `paired by round; 10th-percentile jobs ${fmt(low(1))} vs ${fmt(low(0))}: ${byLow(1).toFixed(1)}% (${medians(1)})`,
  };
  metrics['kernel loop on the device, a handler doing nothing on every event'] = {
    value: onDevice(4),
    unit: '%',
    note: `what making every event and span of the job active costs on the device (the webgpu package and core build them), part of the every-reporter figure; replayed it is ${fmt(observed)} per job (${asPercent(observed).toFixed(2)}%); 10th percentile ${byLow(4).toFixed(1)}%`,
  };
  const burnCpu = BURN_NS * recording.events;
  const burnAdded = ((onDevice(3) - onDevice(4)) / 100) * bareFastest;
  metrics['kernel loop on the device, calibration: a handler burning CPU'] = {
    value: onDevice(3),
    unit: '%',
    note: `${fmt(burnCpu)} of JavaScript per job (${BURN_NS} ns per event) made the job ${fmt(burnAdded)} longer than the handler doing nothing did: ${(burnAdded / burnCpu).toFixed(1)}x its CPU time; 10th percentile ${byLow(3).toFixed(1)}%`,
  };
  metrics['kernel loop, events per job'] = { value: recording.events, unit: 'events', note: Object.entries(recording.counts).map(([n, c]) => `${n} ${c}`).join(', ') };
  metrics['StatsD packets received'] = { value: packets, unit: 'packets' };
  progress.cases(cases);
  return report('overhead', cases, [NONE], [], { metrics });
}
