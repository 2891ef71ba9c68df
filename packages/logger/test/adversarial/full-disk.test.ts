// Issue 14, item 8: the logger on a full disk. Before the fix the default writer lost ~25% of the
// lines without counting them and never reported the error; the batch writer counted its losses but
// left a torn last line (and counted complete lines of a partly written batch as dropped).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Telemetry } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { tempDir } from '@rx-telemetry/devkit/peer-process';
import { expect } from 'chai';
import { attachLogger, LOGGER_DROPPED_EVENT, LOGGER_WRITE_FAILED_EVENT } from '../../src/index.js';
import { WRITERS } from '../helpers.js';
import { runLoggingChild } from './child.js';

const yieldToIo = (): Promise<void> => new Promise((r) => setImmediate(r));

for (const writer of WRITERS) {
  describe(`adversarial: logger on a full disk (writer: ${writer})`, function () {
    this.timeout(30_000);

    it('/dev/full: every line is counted as dropped, the failure is reported once, the drops add up', async () => {
      const bus = new Telemetry();
      const failures = recordEvents(bus, [LOGGER_WRITE_FAILED_EVENT]);
      const drops = recordEvents(bus, [LOGGER_DROPPED_EVENT]);
      const log = attachLogger(bus, { destination: '/dev/full', writer, events: [['app']] });
      const n = 100_000;
      for (let i = 0; i < n; i += 1_000) {
        for (let j = i; j < i + 1_000; j++) bus.emit(['app', 'order'], { seq: j }, { note: 'x'.repeat(40) });
        await yieldToIo();
      }
      await log.stop();
      expect(log.stats()).to.deep.equal({ written: 0, dropped: n });
      expect(failures.map((f) => [f.metadata.code, f.metadata.destination, f.metadata.error instanceof Error])).to.deep.equal([['ENOSPC', '/dev/full', true]]);
      expect(drops.reduce((s, d) => s + d.measurements.count, 0)).to.equal(n);
      expect(drops.at(-1)?.measurements.total).to.equal(n);
    });

    it('is degraded in its health check while writes fail or lines were dropped in the last minute, and removes the check on stop()', async () => {
      const bus = new Telemetry();
      const log = attachLogger(bus, { destination: '/dev/full', writer, events: [['app']] });
      const [name, check] = [...bus.healthChecks()].find(([k]) => k.startsWith('logger-')) ?? [];
      const before = await check?.(new AbortController().signal);
      bus.emit(['app', 'order'], { seq: 1 });
      await log.flush();
      await yieldToIo();
      const after = await check?.(new AbortController().signal);
      await log.stop();
      expect([(before as { status: string }).status, (after as { status: string }).status]).to.deep.equal(['healthy', 'degraded']);
      expect(bus.healthChecks().has(name as string)).to.equal(false);
    });

    it('a disk that fills mid-line (ulimit -f): complete lines only, each on disk or counted, one failure report', async () => {
      const dir = await tempDir('logger-full');
      try {
        const destination = join(dir.path, 'events.jsonl');
        const n = 5_000;
        const r = await runLoggingChild({ writer, destination, n, mode: 'stop', fileSizeLimitKiB: 64 });
        expect(r.code, r.stderr).to.equal(0);
        const text = readFileSync(destination, 'utf8');
        expect(text.length).to.be.greaterThan(0);
        expect(text.endsWith('\n'), 'the file ends with a complete line').to.equal(true);
        const lines = text.slice(0, -1).split('\n').map((l) => JSON.parse(l) as { measurements: { seq: number } });
        expect(lines.map((l) => l.measurements.seq)).to.deep.equal(lines.map((_, i) => i));
        expect(r.stats?.written).to.equal(lines.length);
        expect((r.stats?.written ?? 0) + (r.stats?.dropped ?? 0)).to.equal(n);
        expect(r.stats?.failures).to.deep.equal(['EFBIG']);
      } finally {
        await dir.remove();
      }
    });
  });
}
