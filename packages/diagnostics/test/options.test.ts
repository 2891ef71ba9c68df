import { expect } from 'chai';
import dc from 'node:diagnostics_channel';
import { Telemetry } from '@rx-telemetry/core';
import { bridgeDiagnostics, publishSpans, type DiagnosticsOptions } from '../src/index.js';

const bridge = (options: unknown) => () => bridgeDiagnostics(new Telemetry(), options as DiagnosticsOptions);

describe('options are checked (a wiring mistake is a TypeError naming it)', () => {
  it('an unknown option names itself, the known ones and, for a likely slip, the right one', () => {
    expect(bridge({ undici: true })).to.throw(TypeError, /unknown option 'undici' \(did you mean fetch\?\); known: http, fetch/);
  });

  it('an unknown key under http is a TypeError', () => {
    expect(bridge({ http: { servers: true } })).to.throw(TypeError, /unknown option 'http.servers'/);
  });

  it('nothing enabled is a TypeError', () => {
    expect(bridge({ http: false, fetch: false })).to.throw(TypeError, /nothing to bridge/);
  });

  it('a non-boolean switch, a bad header name, a non-function route and a bad bound are TypeErrors', () => {
    expect(bridge({ fetch: 'yes' })).to.throw(TypeError, /options.fetch must be a boolean/);
    expect(bridge({ correlationHeader: 'bad header' })).to.throw(TypeError, /correlationHeader/);
    expect(bridge({ route: '/users/:id' })).to.throw(TypeError, /route must be a function/);
    expect(bridge({ maxOpenRequests: 0 })).to.throw(TypeError, /maxOpenRequests/);
  });

  it('propagate: an unknown key, a non-boolean, the correlation id without a header, or any header without fetch are TypeErrors', () => {
    expect(bridge({ propagate: { traceParent: true } })).to.throw(TypeError, /unknown option 'propagate.traceParent'; known: traceparent, correlationId/);
    expect(bridge({ propagate: 'yes' })).to.throw(TypeError, /options.propagate must be a boolean/);
    expect(bridge({ propagate: { correlationId: true }, correlationHeader: false })).to.throw(TypeError, /needs a correlationHeader/);
    expect(bridge({ http: true, fetch: false, propagate: true })).to.throw(TypeError, /needs fetch: true/);
    expect(bridge({ http: true, fetch: false, propagate: { traceparent: true } })).to.throw(TypeError, /needs fetch: true/);
  });

  it('propagate left out or false needs no fetch; propagate: true with correlationHeader: false is accepted (traceparent only)', () => {
    for (const options of [{ http: true, fetch: false }, { http: true, fetch: false, propagate: false }, { correlationHeader: false, propagate: true }]) {
      const made = bridgeDiagnostics(new Telemetry(), options as DiagnosticsOptions);
      expect(made.channels).to.not.be.empty;
      void made.stop();
    }
  });

  it('something other than a bus is a TypeError', () => {
    expect(() => bridgeDiagnostics({} as Telemetry)).to.throw(TypeError, /Telemetry bus/);
    expect(() => publishSpans(undefined as unknown as Telemetry)).to.throw(TypeError, /Telemetry bus/);
  });

  it('a rejected call subscribes to nothing', () => {
    expect(bridge({ http: true, fetch: 1 })).to.throw(TypeError);
    expect(['http.server.request.start', 'undici:request:create'].filter((n) => dc.hasSubscribers(n))).to.deep.equal([]);
  });

  it('publishSpans: an empty channel name or a bad bound is a TypeError', () => {
    expect(() => publishSpans(new Telemetry(), { name: '' })).to.throw(TypeError, /name/);
    expect(() => publishSpans(new Telemetry(), { maxOpenSpans: 1.5 })).to.throw(TypeError, /maxOpenSpans/);
  });
});
