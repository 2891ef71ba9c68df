import FakeTimers from '@sinonjs/fake-timers';
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { counter, sum, Telemetry } from '@rx-telemetry/core';
import { LineProtocolReporter } from '../line-protocol-reporter.js';

const main = fileURLToPath(new URL('../main.js', import.meta.url));

function runMain(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [main], { timeout: 10_000 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }));
  });
}

describe('examples/custom-reporter', () => {
  it('main.js prints the lines of the good events and the counts of the skipped ones, then exits on its own', async () => {
    const { code, stdout, stderr } = await runMain();
    expect({ code, stderr }).to.deep.equal({ code: 0, stderr: '' });
    expect(stdout).to.equal([
      'warning: queue.depth.size reads "size", the event has ["length"]',
      'http.request.stop.count,route=/users,status=200 value=2 1700000000000000000',
      'http.request.stop.duration,route=/users count=2i,sum=42,min=12,max=30 1700000000000000000',
      'http.request.stop.count,route=/login,status=401 value=1 1700000000000000000',
      'http.request.stop.duration,route=/login count=1i,sum=4,min=4,max=4 1700000000000000000',
      'queue.depth.size,queue=mail\\ jobs value=7 1700000000000000000',
      '{ written: 5, skipped: 4, dropped: 0 }',
      '',
    ].join('\n'));
  });

  describe('LineProtocolReporter', () => {
    let clock: ReturnType<typeof FakeTimers.install>;
    beforeEach(() => (clock = FakeTimers.install({ toFake: ['setInterval', 'clearInterval', 'Date'] })));
    afterEach(() => clock.uninstall());

    const make = (bus: Telemetry, chunks: string[], maxSeries?: number): LineProtocolReporter =>
      new LineProtocolReporter(bus, { metrics: [sum('job.stop.items', { tags: ['queue'] })], write: (c) => chunks.push(c), flushEveryMs: 1000, maxSeries });

    it('flushes each interval what it recorded since the last one, and nothing for an empty interval', () => {
      const bus = new Telemetry();
      const chunks: string[] = [];
      make(bus, chunks);
      bus.emit(['job', 'stop'], { items: 2 }, { queue: 'a' });
      bus.emit(['job', 'stop'], { items: 3 }, { queue: 'a' });
      clock.tick(1000);
      clock.tick(1000);
      bus.emit(['job', 'stop'], { items: 1 }, { queue: 'a' });
      clock.tick(1000);
      expect(chunks).to.deep.equal(['job.stop.items,queue=a value=5 1000000000\n', 'job.stop.items,queue=a value=1 3000000000\n']);
    });

    it('registers with the bus: shutdown stops it (detached, timer cleared, last flush), and stop() is idempotent', async () => {
      const bus = new Telemetry();
      const chunks: string[] = [];
      const reporter = make(bus, chunks);
      bus.emit(['job', 'stop'], { items: 4 }, { queue: 'b' });
      expect(reporter.stop()).to.equal(reporter.stop());
      const report = await bus.shutdown();
      expect(report.stopped).to.deep.equal([]); // already stopped by its own stop(): unregistered
      expect(chunks).to.deep.equal(['job.stop.items,queue=b value=4 0\n']);
      bus.emit(['job', 'stop'], { items: 4 }, { queue: 'b' });
      clock.tick(5000);
      expect(chunks).to.have.length(1);
      expect(clock.countTimers()).to.equal(0);
      expect(bus.listHandlers()).to.deep.equal([]);
    });

    it('is stopped by telemetry.shutdown() under its own name', async () => {
      const bus = new Telemetry();
      make(bus, []);
      expect((await bus.shutdown()).stopped).to.match(/^line-protocol-reporter-\d+$/);
    });

    it('skips and counts events with a missing tag or a non-finite value; never throws into the emitter', () => {
      const bus = new Telemetry();
      const reporter = make(bus, []);
      expect(() => {
        bus.emit(['job', 'stop'], { items: 1 }, {});
        bus.emit(['job', 'stop'], { items: Infinity }, { queue: 'a' });
        bus.emit(['job', 'stop'], {}, { queue: 'a' });
      }).not.to.throw();
      expect(reporter.stats()).to.deep.equal({ written: 0, skipped: 3, dropped: 0 });
    });

    it('holds at most maxSeries series per interval, dropping and counting the rest', () => {
      const bus = new Telemetry();
      const chunks: string[] = [];
      const reporter = make(bus, chunks, 2);
      for (const queue of ['a', 'b', 'c', 'a']) bus.emit(['job', 'stop'], { items: 1 }, { queue });
      clock.tick(1000);
      expect(chunks[0].split('\n').filter(Boolean)).to.have.length(2);
      expect(reporter.stats()).to.deep.equal({ written: 2, skipped: 0, dropped: 1 });
    });

    it('escapes spaces, commas and equals signs in names and tags', () => {
      const bus = new Telemetry();
      const chunks: string[] = [];
      new LineProtocolReporter(bus, { metrics: [counter('a.b.count', { tags: ['k'] })], write: (c) => chunks.push(c), now: () => 1 });
      bus.emit(['a', 'b'], {}, { k: 'x y,z=w' });
      void bus.shutdown();
      expect(chunks).to.deep.equal(['a.b.count,k=x\\ y\\,z\\=w value=1 1000000\n']);
    });
  });
});
