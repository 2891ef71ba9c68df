import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { pino } from 'pino';
import { attachLogger, DEFAULT_REDACT } from '../src/index.js';
import { freshBusAndFile, WRITERS, type LogFile } from './helpers.js';

for (const writer of WRITERS) {
  describe(`attachLogger redaction (writer: ${writer})`, () => {
    let file: LogFile;
    let bus: Telemetry;
    freshBusAndFile((b, f) => {
      bus = b;
      file = f;
    });

    it('redacts every default key in metadata and one object below, and nothing else', async () => {
      const log = attachLogger(bus, { destination: file.path, writer });
      const secrets = Object.fromEntries(DEFAULT_REDACT.map((k) => [k, `${k}-value`]));
      bus.emit(['login'], {}, { user: 'ann', ...secrets, headers: { ...secrets, accept: 'json' } });
      await log.flush();
      const [line] = await file.read();
      const redacted = Object.fromEntries(DEFAULT_REDACT.map((k) => [k, '[Redacted]']));
      expect(line.metadata).to.deep.equal({ user: 'ann', ...redacted, headers: { ...redacted, accept: 'json' } });
      expect(JSON.stringify(line)).to.not.match(/-value/);
    });

    it("leaves the emitter's metadata object untouched, even frozen", async () => {
      const log = attachLogger(bus, { destination: file.path, writer });
      const metadata = Object.freeze({ token: 't0ken', nested: Object.freeze({ password: 'pw' }) });
      bus.emit(['login'], {}, metadata);
      await log.flush();
      expect(metadata).to.deep.equal({ token: 't0ken', nested: { password: 'pw' } });
      expect((await file.read())[0].metadata).to.deep.equal({ token: '[Redacted]', nested: { password: '[Redacted]' } });
    });

    it('redacts the configured keys and full paths instead of the defaults', async () => {
      const log = attachLogger(bus, { destination: file.path, writer, redact: ['ssn', 'metadata.card.number'] });
      bus.emit(['pay'], {}, { ssn: '123', token: 'visible', card: { number: '4111', brand: 'visa' } });
      await log.flush();
      expect((await file.read())[0].metadata).to.deep.equal({ ssn: '[Redacted]', token: 'visible', card: { number: '[Redacted]', brand: 'visa' } });
    });

    it('redacts nothing with an empty list', async () => {
      const log = attachLogger(bus, { destination: file.path, writer, redact: [] });
      bus.emit(['login'], {}, { password: 'pw' });
      await log.flush();
      expect((await file.read())[0].metadata).to.deep.equal({ password: 'pw' });
    });
  });
}

describe('attachLogger redaction through options.logger', () => {
  const bus = new Telemetry();
  after(() => bus.shutdown());

  it('redacts through a pino logger the user passes in', async () => {
    const out: string[] = [];
    const logger = pino({ base: undefined }, { write: (s: string) => void out.push(s) });
    const log = attachLogger(bus, { logger });
    bus.emit(['login'], { ms: 3 }, { user: 'ann', cookie: 'c=1' });
    await log.flush();
    expect(out).to.have.length(1);
    const line = JSON.parse(out[0]) as Record<string, unknown>;
    expect(line).to.include({ msg: 'login', level: 30 });
    expect(line.metadata).to.deep.equal({ user: 'ann', cookie: '[Redacted]' });
    expect(log.stats()).to.deep.equal({ written: 1, dropped: 0 });
  });

  it("counts only the lines a user's logger writes at its level", async () => {
    const out: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (s: string) => void out.push(s) });
    const log = attachLogger(bus, { logger });
    bus.emit(['routine'], {});
    expect(() => bus.span(['job'], {}, () => {
      throw new Error('x');
    })).to.throw();
    await log.flush();
    expect(out.map((l) => (JSON.parse(l) as { msg: string }).msg)).to.deep.equal(['job.exception']);
    expect(log.stats()).to.deep.equal({ written: 1, dropped: 0 });
  });
});
