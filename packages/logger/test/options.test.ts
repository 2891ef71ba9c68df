import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { pino } from 'pino';
import { attachLogger } from '../src/index.js';

describe('attachLogger options', () => {
  const bus = new Telemetry();

  it('rejects something that is not a Telemetry', () => {
    expect(() => attachLogger({} as never)).to.throw(TypeError, /first argument must be a Telemetry/);
  });

  it('rejects a bufferSize that is not a positive integer', () => {
    for (const bufferSize of [0, -1, 1.5]) {
      expect(() => attachLogger(bus, { bufferSize })).to.throw(TypeError, /options\.bufferSize must be a positive integer/);
    }
  });

  it('rejects a writer other than pino or batch, naming the option', () => {
    expect(() => attachLogger(bus, { writer: 'sonic' as never })).to.throw(TypeError, /options\.writer must be 'pino' or 'batch', got "sonic"/);
  });

  it('rejects a writer together with a logger', () => {
    expect(() => attachLogger(bus, { logger: pino(), writer: 'batch' })).to.throw(TypeError, /options\.writer applies to the logger's own destination/);
  });

  it('rejects both a logger and a destination', () => {
    expect(() => attachLogger(bus, { logger: pino(), destination: '/tmp/x' })).to.throw(TypeError, /not both/);
  });

  it('rejects a redact entry that is not a non-empty string', () => {
    expect(() => attachLogger(bus, { redact: ['ok', ''] })).to.throw(TypeError, /options\.redact must be an array of non-empty strings/);
  });

  it('rejects an empty events list', () => {
    expect(() => attachLogger(bus, { events: [] })).to.throw(TypeError, /options\.events must be a non-empty array/);
  });

  it('names the file it cannot open', () => {
    expect(() => attachLogger(bus, { destination: '/nonexistent-dir/x.jsonl' })).to.throw(/cannot open destination "\/nonexistent-dir\/x\.jsonl"/);
  });
});
