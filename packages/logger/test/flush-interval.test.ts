import { readFileSync } from 'node:fs';
import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { attachLogger } from '../src/index.js';
import { freshBusAndFile, type LogFile } from './helpers.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Pending {
  readonly fn: () => void;
  readonly ms: number;
}

/** Replaces setTimeout while `body` runs: the timers it asks for are kept, not started (a hand-made fake clock). */
async function withHeldTimers(body: (pending: Pending[]) => Promise<void>): Promise<void> {
  const real = globalThis.setTimeout;
  const pending: Pending[] = [];
  globalThis.setTimeout = ((fn: () => void, ms: number) => {
    pending.push({ fn, ms });
    return { unref: () => undefined, ref: () => undefined, hasRef: () => false, refresh: () => undefined, [Symbol.toPrimitive]: () => 0 };
  }) as unknown as typeof setTimeout;
  try {
    await body(pending);
  } finally {
    globalThis.setTimeout = real;
  }
}

describe("attachLogger flushIntervalMs (writer: 'batch')", function () {
  this.timeout(30_000);
  let file: LogFile;
  let bus: Telemetry;
  freshBusAndFile((b, f) => {
    bus = b;
    file = f;
  });

  it('holds lines emitted over several turns of the event loop until the interval is due', async () => {
    await withHeldTimers(async (pending) => {
      const log = attachLogger(bus, { destination: file.path, writer: 'batch', flushIntervalMs: 100 });
      for (let i = 0; i < 5; i++) {
        bus.emit(['tick'], { i });
        await turn();
      }
      expect(readFileSync(file.path, 'utf8')).to.equal('');
      const writes = pending.filter((p) => p.ms === 100);
      expect(writes).to.have.length(1);
      writes[0].fn();
      for (let i = 0; i < 1_000 && readFileSync(file.path, 'utf8').split('\n').length < 6; i++) await turn();
      expect((await file.read()).map((l) => (l.measurements as { i: number }).i)).to.deep.equal([0, 1, 2, 3, 4]);
      await log.stop();
    });
  });

  it('writes at once on flush() without waiting for the interval', async () => {
    const log = attachLogger(bus, { destination: file.path, writer: 'batch', flushIntervalMs: 60_000 });
    bus.emit(['tick'], { i: 1 });
    await turn();
    expect(readFileSync(file.path, 'utf8')).to.equal('');
    await log.flush();
    expect(await file.read()).to.have.length(1);
  });

  it('writes what it holds when stopped', async () => {
    const log = attachLogger(bus, { destination: file.path, writer: 'batch', flushIntervalMs: 60_000 });
    for (let i = 0; i < 3; i++) bus.emit(['tick'], { i });
    await log.stop();
    expect(await file.read()).to.have.length(3);
  });

  it('starts a write at once when 64 KiB are held instead of waiting for the interval', async () => {
    const log = attachLogger(bus, { destination: file.path, writer: 'batch', flushIntervalMs: 60_000 });
    const payload = 'x'.repeat(1_000);
    for (let i = 0; i < 80; i++) bus.emit(['big'], { i }, { payload });
    for (let i = 0; i < 1_000 && readFileSync(file.path, 'utf8').length === 0; i++) await turn();
    expect(readFileSync(file.path, 'utf8').length).to.be.greaterThan(64 * 1024);
    await log.stop();
    expect(await file.read()).to.have.length(80);
  });

  it('rejects flushIntervalMs without the batch writer, and values that are not a non-negative integer', () => {
    expect(() => attachLogger(bus, { destination: file.path, flushIntervalMs: 100 })).to.throw(TypeError, /flushIntervalMs applies to writer: 'batch' only/);
    expect(() => attachLogger(bus, { destination: file.path, writer: 'batch', flushIntervalMs: -1 })).to.throw(TypeError, /flushIntervalMs must be a non-negative integer/);
    expect(() => attachLogger(bus, { destination: file.path, writer: 'batch', flushIntervalMs: 1.5 })).to.throw(TypeError, /flushIntervalMs must be a non-negative integer/);
  });
});
