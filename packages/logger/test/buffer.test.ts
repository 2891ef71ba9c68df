import fs, { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { attachLogger, LOGGER_DROPPED_EVENT } from '../src/index.js';
import { freshBusAndFile, WRITERS, type LogFile } from './helpers.js';

/** How many of this process's file descriptors point at `path`. */
function openFds(path: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) n++;
    } catch {
      // The directory's own descriptor is gone by the time it is read.
    }
  }
  return n;
}

for (const writer of WRITERS) {
  describe(`attachLogger buffering (writer: ${writer})`, function () {
    this.timeout(30_000);
    let file: LogFile;
    let bus: Telemetry;
    freshBusAndFile((b, f) => {
      bus = b;
      file = f;
    });

    it('makes no synchronous write during an emit', async () => {
      const log = attachLogger(bus, { destination: file.path, writer });
      // SonicBoom calls fs through the shared CommonJS object, so a synchronous write would show here.
      const writeSync = fs.writeSync;
      let syncWrites = 0;
      fs.writeSync = ((...args: Parameters<typeof writeSync>) => {
        syncWrites++;
        return writeSync(...args);
      }) as typeof writeSync;
      try {
        for (let i = 0; i < 100; i++) bus.emit(['tick'], { i });
      } finally {
        fs.writeSync = writeSync;
      }
      expect(syncWrites).to.equal(0);
      await log.flush();
      expect(await file.read()).to.have.length(100);
    });

    if (writer === 'batch') {
      // pino's destination starts an asynchronous fs.write on the first line, which may finish
      // while the emitter is still running: only the batch writer waits for the next turn.
      it('writes nothing during the emit: the file fills only after the emitter returns', async () => {
        const log = attachLogger(bus, { destination: file.path, writer });
        for (let i = 0; i < 100; i++) bus.emit(['tick'], { i });
        expect(readFileSync(file.path, 'utf8')).to.equal('');
        await log.flush();
        expect(await file.read()).to.have.length(100);
      });
    }

    it('drops and counts lines past bufferSize instead of blocking or growing', async () => {
      const bufferSize = 20_000;
      const log = attachLogger(bus, { destination: file.path, bufferSize, events: [['burst']], writer });
      const n = 2_000;
      for (let i = 0; i < n; i++) bus.emit(['burst'], { i }, { payload: 'x'.repeat(100) });
      const { written, dropped } = log.stats();
      expect(written + dropped).to.equal(n);
      expect(dropped).to.be.greaterThan(0);
      await log.flush();
      const text = await readFile(file.path, 'utf8');
      // Everything accepted fits in the bound, and is exactly what reached the file.
      expect(text.length).to.be.at.most(bufferSize);
      const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { measurements: { i: number } });
      expect(lines).to.have.length(written);
      expect(lines.map((l) => l.measurements.i)).to.deep.equal(Array.from({ length: written }, (_, i) => i));
    });

    it('reports drops as a telemetry.logger.dropped event with the count', async () => {
      const reports: { count: number; total: number }[] = [];
      bus.attach('drops', LOGGER_DROPPED_EVENT, (_e, m) => reports.push({ count: m.count, total: m.total }));
      const log = attachLogger(bus, { destination: file.path, bufferSize: 5_000, events: [['burst']], writer });
      for (let i = 0; i < 500; i++) bus.emit(['burst'], { i });
      const { dropped } = log.stats();
      expect(reports).to.deep.equal([]);
      await log.flush();
      expect(dropped).to.be.greaterThan(0);
      expect(reports).to.deep.equal([{ count: dropped, total: dropped }]);
    });

    it('reports a single line larger than bufferSize, dropped while nothing is being written', async () => {
      const reports: { count: number; total: number }[] = [];
      bus.attach('drops', LOGGER_DROPPED_EVENT, (_e, m) => reports.push({ count: m.count, total: m.total }));
      const log = attachLogger(bus, { destination: file.path, bufferSize: 100, events: [['big']], writer });
      bus.emit(['big'], {}, { payload: 'x'.repeat(200) });
      expect(log.stats()).to.deep.equal({ written: 0, dropped: 1 });
      await log.flush();
      expect(reports).to.deep.equal([{ count: 1, total: 1 }]);
      expect(await file.read()).to.deep.equal([]);
    });

    it('logs its own drop report once there is room again', async () => {
      const log = attachLogger(bus, { destination: file.path, bufferSize: 5_000, writer });
      for (let i = 0; i < 500; i++) bus.emit(['burst'], { i });
      const { dropped } = log.stats();
      await log.flush();
      await log.flush();
      const lines = await file.read();
      const report = lines.find((l) => l.msg === 'telemetry.logger.dropped');
      expect(report).to.include({ level: 40 });
      expect(report?.measurements).to.deep.equal({ count: dropped, total: dropped });
    });

    it('writes exactly 100,000 lines for 100,000 events on shutdown, each parsed back and checked', async () => {
      const log = attachLogger(bus, { destination: file.path, bufferSize: 64 * 1024 * 1024, writer });
      const n = 100_000;
      const handle = bus.event(['orders', 'placed']);
      for (let i = 0; i < n; i++) handle.emit({ seq: i, amount: i * 3 }, { customer: `c${i % 97}` });
      await bus.shutdown();
      expect(log.stats()).to.deep.equal({ written: n, dropped: 0 });
      const lines = await file.read();
      expect(lines).to.have.length(n);
      for (let i = 0; i < n; i++) {
        const line = lines[i] as { msg: string; level: number; measurements: { seq: number; amount: number }; metadata: { customer: string } };
        if (line.msg !== 'orders.placed' || line.level !== 30 || line.measurements.seq !== i || line.measurements.amount !== i * 3 || line.metadata.customer !== `c${i % 97}`) {
          expect.fail(`line ${i} is wrong: ${JSON.stringify(line)}`);
        }
      }
    });

    it('flush() resolves only once every line logged so far is in the file', async () => {
      const log = attachLogger(bus, { destination: file.path, bufferSize: 64 * 1024 * 1024, writer });
      for (let round = 1; round <= 3; round++) {
        for (let i = 0; i < 5_000; i++) bus.emit(['tick'], { round, i });
        await log.flush();
        const lines = await file.read();
        expect(lines).to.have.length(round * 5_000);
        expect(lines[lines.length - 1].measurements).to.deep.equal({ round, i: 4_999 });
      }
    });

    it('closes the file it opened on shutdown', async () => {
      attachLogger(bus, { destination: file.path, writer });
      bus.emit(['tick'], {});
      expect(openFds(file.path)).to.equal(1);
      await bus.shutdown();
      expect(openFds(file.path)).to.equal(0);
      expect(await file.read()).to.have.length(1);
    });

    it('closes the file it opened on stop(), once what was buffered is written', async () => {
      const log = attachLogger(bus, { destination: file.path, writer });
      bus.emit(['tick'], {});
      await log.stop();
      expect(openFds(file.path)).to.equal(0);
      expect(await file.read()).to.have.length(1);
    });

    it('stops logging after shutdown', async () => {
      const log = attachLogger(bus, { destination: file.path, writer });
      bus.emit(['before'], {});
      await bus.shutdown();
      bus.emit(['after'], {});
      await log.flush();
      expect((await file.read()).map((l) => l.msg)).to.deep.equal(['before']);
    });
  });
}
