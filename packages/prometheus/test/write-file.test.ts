import { counter, Telemetry } from '@rx-telemetry/core';
import { runTool } from '@rx-telemetry/devkit/prometheus';
import { tempDir } from '@rx-telemetry/devkit/peer-process';
import { Aggregator } from '@rx-telemetry/hdr';
import { expect } from 'chai';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PrometheusReporter } from '../src/index.js';
import { pushTarget, pushUrl } from '../src/push.js';

describe('PrometheusReporter.writeFile', () => {
  it('replaces the file with the text exposition and leaves no temp file', async () => {
    const dir = await tempDir('textfile');
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: [counter('job.run.stop.count')] });
    telemetry.emit(['job', 'run', 'stop'], {});
    const path = join(dir.path, 'app.prom');
    await writeFile(path, 'old content\n');
    const reporter = new PrometheusReporter(telemetry, { aggregator: agg });
    await reporter.writeFile(path);
    const text = await readFile(path, 'utf8');
    expect(text).to.equal(reporter.render('text'));
    expect(await readdir(dir.path)).to.deep.equal(['app.prom']);
    const check = await runTool('/usr/bin/promtool', ['check', 'metrics'], text);
    expect(check.code).to.equal(0);
    agg.stop();
    await dir.remove();
  });

  it('rejects when the directory does not exist', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: [counter('job.run.stop.count')] });
    let err: NodeJS.ErrnoException | undefined;
    try {
      await new PrometheusReporter(telemetry, { aggregator: agg }).writeFile('/nonexistent-dir-rx/app.prom');
    } catch (e) {
      err = e as NodeJS.ErrnoException;
    }
    agg.stop();
    expect(err?.code).to.equal('ENOENT');
  });

  it('removes its temp file when the rename fails', async () => {
    const dir = await tempDir('textfile');
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: [counter('job.run.stop.count')] });
    // A directory where the file should go: the temp file is written, the rename over it fails.
    await mkdir(join(dir.path, 'app.prom'));
    let err: NodeJS.ErrnoException | undefined;
    try {
      await new PrometheusReporter(telemetry, { aggregator: agg }).writeFile(join(dir.path, 'app.prom'));
    } catch (e) {
      err = e as NodeJS.ErrnoException;
    }
    agg.stop();
    const left = await readdir(dir.path);
    await dir.remove();
    expect(err?.code).to.equal('EISDIR');
    expect(left).to.deep.equal(['app.prom']);
  });

  it('rejects an empty path with a TypeError', async () => {
    const telemetry = new Telemetry();
    const agg = new Aggregator(telemetry, { metrics: [counter('job.run.stop.count')] });
    let err: unknown;
    try {
      await new PrometheusReporter(telemetry, { aggregator: agg }).writeFile('');
    } catch (e) {
      err = e;
    }
    agg.stop();
    expect(err).to.be.instanceOf(TypeError);
    expect((err as Error).message).to.match(/path/);
  });
});

describe('push URL', () => {
  it('encodes the grouping key, base64url for values with a slash or empty', () => {
    expect(pushUrl({ url: 'http://127.0.0.1:9091/', job: 'a b', grouping: { shard: 'eu/1', empty: '' } })).to.equal(
      'http://127.0.0.1:9091/metrics/job/a%20b/shard@base64/ZXUvMQ/empty@base64/=',
    );
  });

  it('rejects a bad url, job or grouping label with a TypeError', () => {
    expect(() => pushUrl({ url: 'ftp://x', job: 'a' })).to.throw(TypeError, /url/);
    expect(() => pushUrl({ url: 'http://x', job: '' })).to.throw(TypeError, /job/);
    expect(() => pushUrl({ url: 'http://x', job: 'a', grouping: { 'bad-label': 'v' } })).to.throw(TypeError, /label/);
    expect(() => pushTarget({ url: 'http://x', job: 'a', timeoutMs: 0 })).to.throw(TypeError, /timeoutMs must be a finite number > 0/);
    expect(() => pushUrl({ url: 'ftp://u:hunter2@x', job: 'a' })).to.throw(TypeError, /^push: url must be an http\(s\) URL, got ftp:\/\/\*\*\*@x$/);
  });

  it('moves URL credentials into a Basic Authorization header', () => {
    const t = pushTarget({ url: 'http://us%40er:p%3Ass@127.0.0.1:9091', job: 'j' });
    expect(t).to.deep.equal({
      url: 'http://127.0.0.1:9091/metrics/job/j',
      shown: 'http://127.0.0.1:9091/metrics/job/j',
      authorization: `Basic ${Buffer.from('us@er:p:ss').toString('base64')}`,
      timeoutMs: 10_000,
    });
  });
});
