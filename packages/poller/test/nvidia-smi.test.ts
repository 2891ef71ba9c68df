import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NVIDIA_GPU_EVENT, parseNvidiaSmi, POLLER_FAILURE_EVENT, startPoller } from '../src/index.js';
import { fakeNvidiaSmi, TWO_GPUS, type FakeNvidiaSmi } from './fake-nvidia-smi.js';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';

const indexUrl = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'index.js')).href;
const coreUrl = import.meta.resolve('@rx-telemetry/core');

describe('poller: gpu.nvidia', () => {
  let fake: FakeNvidiaSmi | undefined;
  afterEach(async () => {
    await fake?.remove();
    fake = undefined;
  });

  it('emits one event per GPU from nvidia-smi output', async () => {
    fake = await fakeNvidiaSmi(TWO_GPUS);
    const t = new Telemetry();
    const got = recordEvents(t, [NVIDIA_GPU_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['gpu'], nvidiaSmi: { command: fake.command } });
    await poller.poll();
    poller.stop();
    expect(got.map(({ measurements, metadata }) => ({ measurements, metadata }))).to.deep.equal(parseNvidiaSmi(TWO_GPUS));
  });

  it('finds nvidia-smi on PATH by default (in a child process with the fake first on PATH)', async () => {
    fake = await fakeNvidiaSmi(TWO_GPUS);
    const script = `
      const { Telemetry } = await import(${JSON.stringify(coreUrl)});
      const { startPoller } = await import(${JSON.stringify(indexUrl)});
      const t = new Telemetry();
      const seen = [];
      t.attach('gpu', ['gpu', 'nvidia'], (_e, m, md) => seen.push(md.index + ':' + m.temperature));
      const poller = startPoller(t, { periodMs: 60000, measurements: ['gpu'] });
      await poller.poll();
      poller.stop();
      console.log(JSON.stringify(seen));`;
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, PATH: `${fake?.dir}:${process.env.PATH ?? ''}` } }, (e, out, err) =>
        e ? reject(new Error(`${e.message}\n${err}`)) : resolve(out),
      ),
    );
    expect(JSON.parse(stdout)).to.deep.equal(['0:41', '1:29']);
  });

  it('emits nothing and reports nothing when nvidia-smi does not exist, and stops trying', async () => {
    const t = new Telemetry();
    const got = recordEvents(t, [NVIDIA_GPU_EVENT]);
    const failures = recordEvents(t, [POLLER_FAILURE_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['memory', 'gpu'], nvidiaSmi: { command: '/nonexistent/bin/nvidia-smi' } });
    await poller.poll();
    const after = poller.measurements();
    poller.stop();
    expect([got.length, failures.length, after]).to.deep.equal([0, 0, ['memory']]);
  });

  it('emits nothing and reports nothing by default when nvidia-smi is not on PATH (a child process with an empty PATH)', async () => {
    // Whatever this machine has installed: the child's PATH holds no nvidia-smi.
    const script = `
      const { Telemetry } = await import(${JSON.stringify(coreUrl)});
      const { startPoller } = await import(${JSON.stringify(indexUrl)});
      const t = new Telemetry();
      const got = [];
      t.attach('gpu', ['gpu', 'nvidia'], () => got.push('gpu'));
      t.attach('fail', ['telemetry', 'poller', 'failure'], (_e, _m, md) => got.push('failure:' + md.measurement));
      const poller = startPoller(t, { periodMs: 60000 });
      await poller.poll();
      const after = poller.measurements();
      poller.stop();
      console.log(JSON.stringify({ got, after }));`;
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, PATH: '/nonexistent-rx-telemetry-path' } }, (e, out, err) =>
        e ? reject(new Error(`${e.message}\n${err}`)) : resolve(out),
      ),
    );
    expect(JSON.parse(stdout)).to.deep.equal({ got: [], after: ['memory', 'cpu', 'event_loop', 'gc'] });
  });

  it('reports a failing nvidia-smi once, with its stderr, and drops it', async () => {
    fake = await fakeNvidiaSmi('', { exitCode: 9, stderr: 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.' });
    const t = new Telemetry();
    const failures = recordEvents(t, [POLLER_FAILURE_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['gpu'], nvidiaSmi: { command: fake.command } });
    recordEvents(t, [NVIDIA_GPU_EVENT]);
    await poller.poll();
    await poller.poll();
    const after = poller.measurements();
    poller.stop();
    expect(failures).to.have.length(1);
    expect(failures[0].metadata.measurement).to.equal('gpu');
    expect((failures[0].metadata.error as Error).message).to.match(/could not communicate with the NVIDIA driver/);
    expect(after).to.deep.equal([]);
  });

  it('reports unparsable output as a failure', async () => {
    fake = await fakeNvidiaSmi('garbage\n');
    const t = new Telemetry();
    const failures = recordEvents(t, [POLLER_FAILURE_EVENT]);
    recordEvents(t, [NVIDIA_GPU_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['gpu'], nvidiaSmi: { command: fake.command } });
    await poller.poll();
    poller.stop();
    expect((failures[0]?.metadata.error as Error).message).to.match(/expected 8 comma-separated fields/);
  });

  it('kills an nvidia-smi that exceeds timeoutMs and reports it', async () => {
    fake = await fakeNvidiaSmi(TWO_GPUS, { hang: true });
    const t = new Telemetry();
    const failures = recordEvents(t, [POLLER_FAILURE_EVENT]);
    recordEvents(t, [NVIDIA_GPU_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['gpu'], nvidiaSmi: { command: fake.command, timeoutMs: 100 } });
    await poller.poll();
    poller.stop();
    expect((failures[0]?.metadata.error as Error).message).to.match(/killed after 100 ms/);
  });

  it('does not start a second nvidia-smi while one is running', async () => {
    fake = await fakeNvidiaSmi(TWO_GPUS, { sleepS: 0.3 });
    const t = new Telemetry();
    const got = recordEvents(t, [NVIDIA_GPU_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['gpu'], nvidiaSmi: { command: fake.command } });
    await Promise.all([poller.poll(), poller.poll(), poller.poll()]);
    poller.stop();
    expect(got).to.have.length(2);
  });

  it('kills a running nvidia-smi on stop() and reports nothing', async () => {
    fake = await fakeNvidiaSmi(TWO_GPUS, { hang: true });
    const t = new Telemetry();
    const failures = recordEvents(t, [POLLER_FAILURE_EVENT]);
    const got = recordEvents(t, [NVIDIA_GPU_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['gpu'], nvidiaSmi: { command: fake.command, timeoutMs: 60_000 } });
    const polling = poller.poll();
    poller.stop();
    // Resolves only because the hanging process was killed (it would sleep 30 s, past the test timeout).
    await polling;
    expect([got.length, failures.length]).to.deep.equal([0, 0]);
  });

  it('runs nvidia-smi only while someone listens', async () => {
    fake = await fakeNvidiaSmi('garbage\n');
    const t = new Telemetry();
    const failures = recordEvents(t, [POLLER_FAILURE_EVENT]);
    const poller = startPoller(t, { periodMs: 60_000, measurements: ['gpu'], nvidiaSmi: { command: fake.command } });
    await poller.poll();
    poller.stop();
    // Garbage would have been reported had it run.
    expect(failures).to.have.length(0);
  });
});
