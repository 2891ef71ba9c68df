import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { attachLogger } from '../src/index.js';
import { logFile, type LogFile } from './helpers.js';

describe('attachLogger lifecycle', () => {
  let file: LogFile;
  beforeEach(async () => {
    file = await logFile();
  });
  afterEach(() => file.remove());

  it('registers with the bus and is stopped by telemetry.shutdown(): last lines written, health check removed', async () => {
    const bus = new Telemetry();
    const log = attachLogger(bus, { destination: file.path });
    const names = [...bus.healthChecks().keys()];
    bus.emit(['tick'], {});
    const report = await bus.shutdown();
    expect([report.stopped, names, bus.healthChecks().size, log.stats()]).to.deep.equal([names, names, 0, { written: 1, dropped: 0 }]);
    expect(names).to.have.length(1);
    expect((await file.read()).map((l) => l.msg)).to.deep.equal(['tick']);
  });

  it('returns the same promise from every stop() call, and shutdown() does not stop it again', async () => {
    const bus = new Telemetry();
    const log = attachLogger(bus, { destination: file.path });
    const first = log.stop();
    expect(log.stop()).to.equal(first);
    await first;
    expect((await bus.shutdown()).stopped).to.deep.equal([]);
  });

  it('logs nothing after stop(): a later event is neither written nor counted', async () => {
    const bus = new Telemetry();
    const log = attachLogger(bus, { destination: file.path });
    await log.stop();
    bus.emit(['late'], {});
    expect(log.stats()).to.deep.equal({ written: 0, dropped: 0 });
    expect(await file.read()).to.deep.equal([]);
  });
});
