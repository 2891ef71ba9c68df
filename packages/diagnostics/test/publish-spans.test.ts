import { expect } from 'chai';
import { AsyncLocalStorage } from 'node:async_hooks';
import dc from 'node:diagnostics_channel';
import { Telemetry } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { bridgeDiagnostics, publishSpans, type SpanMessage, type SpanPublisher } from '../src/index.js';
import { httpGet, startServer, until } from './peers.js';

const NAME = 'rx-telemetry:span';
type Seen = [string, SpanMessage][];

/** Subscribes to all five channels of the TracingChannel; returns what arrived and an unsubscribe. */
function listen(name = NAME): { seen: Seen; off: () => void } {
  const seen: Seen = [];
  const handlers = {
    start: (m: SpanMessage) => seen.push(['start', m]),
    end: (m: SpanMessage) => seen.push(['end', m]),
    asyncStart: (m: SpanMessage) => seen.push(['asyncStart', m]),
    asyncEnd: (m: SpanMessage) => seen.push(['asyncEnd', m]),
    error: (m: SpanMessage) => seen.push(['error', m]),
  };
  const tc = dc.tracingChannel<unknown, SpanMessage>(name);
  tc.subscribe(handlers);
  return { seen, off: () => tc.unsubscribe(handlers) };
}

describe('spans published as a TracingChannel', () => {
  let publisher: SpanPublisher | undefined;
  afterEach(async () => {
    await publisher?.stop();
    publisher = undefined;
  });

  it('with no subscriber nothing is bound to the bus: spans stay on their idle path', () => {
    const bus = new Telemetry();
    publisher = publishSpans(bus);
    expect([publisher.publishing, bus.spanEvent(['job']).active]).to.deep.equal([false, false]);
  });

  it('a subscriber arriving binds it at once; the last one leaving unbinds it', () => {
    const bus = new Telemetry();
    publisher = publishSpans(bus);
    const a = listen();
    expect([publisher.publishing, bus.spanEvent(['job']).active]).to.deep.equal([true, true]);
    a.off();
    expect([publisher.publishing, bus.spanEvent(['job']).active]).to.deep.equal([false, false]);
  });

  it('a subscriber there before publishSpans is seen at start', () => {
    const a = listen();
    try {
      publisher = publishSpans(new Telemetry());
      expect(publisher.publishing).to.equal(true);
    } finally {
      a.off();
    }
  });

  it('dc.subscribe on one of its channels and bindStore count as subscribers too', () => {
    const bus = new Telemetry();
    publisher = publishSpans(bus);
    const fn = (): void => undefined;
    dc.subscribe(`tracing:${NAME}:asyncEnd`, fn);
    expect(publisher.publishing).to.equal(true);
    dc.unsubscribe(`tracing:${NAME}:asyncEnd`, fn);
    expect(publisher.publishing).to.equal(false);
    const store = new AsyncLocalStorage<string>();
    dc.channel(`tracing:${NAME}:start`).bindStore(store);
    expect(publisher.publishing).to.equal(true);
    dc.channel(`tracing:${NAME}:start`).unbindStore(store);
    expect(publisher.publishing).to.equal(false);
  });

  it('a synchronous span: start, then end with its result; the message carries name, ids and metadata', () => {
    const bus = new Telemetry();
    publisher = publishSpans(bus);
    const { seen, off } = listen();
    const result = bus.span(['db', 'query'], { table: 'users' }, () => 42);
    off();
    expect(result).to.equal(42);
    expect(seen.map(([kind]) => kind)).to.deep.equal(['start', 'end']);
    const m = seen[0]![1];
    expect(seen[1]![1]).to.equal(m);
    expect([m.name, m.prefix, m.result, m.metadata.table, m.metadata.spanId]).to.deep.equal(['db.query', ['db', 'query'], 42, 'users', m.spanId]);
    expect(m.spanId).to.be.greaterThan(0);
  });

  it('a span whose callback returns a promise: start, end, then asyncStart and asyncEnd with its duration and what it set', async () => {
    const bus = new Telemetry();
    publisher = publishSpans(bus);
    const { seen, off } = listen();
    await bus.span(['job'], {}, async (scope) => {
      await new Promise((r) => setImmediate(r));
      scope.set({ items: 3 });
    });
    off();
    expect(seen.map(([kind]) => kind)).to.deep.equal(['start', 'end', 'asyncStart', 'asyncEnd']);
    const m = seen[2]![1];
    expect(m.duration).to.be.a('number').and.greaterThan(0);
    expect(m.endMetadata).to.deep.equal({ items: 3 });
  });

  it('a throwing span: start, error (with the error), end; the caller still gets the error', () => {
    const bus = new Telemetry();
    publisher = publishSpans(bus);
    const { seen, off } = listen();
    const boom = new Error('boom');
    expect(() =>
      bus.span(['job'], {}, () => {
        throw boom;
      }),
    ).to.throw(boom);
    off();
    expect(seen.map(([kind]) => kind)).to.deep.equal(['start', 'error', 'end']);
    expect(seen[1]![1].error).to.equal(boom);
  });

  it('a rejecting span: start, end, then error, asyncStart, asyncEnd', async () => {
    const bus = new Telemetry();
    publisher = publishSpans(bus);
    const { seen, off } = listen();
    const boom = new Error('later');
    await bus.span(['job'], {}, () => Promise.reject(boom)).catch(() => undefined);
    off();
    expect(seen.map(([kind]) => kind)).to.deep.equal(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    expect(seen[2]![1].error).to.equal(boom);
  });

  it('a span opened by hand: start and end at once, asyncStart and asyncEnd when it stops', () => {
    const bus = new Telemetry();
    publisher = publishSpans(bus);
    const { seen, off } = listen();
    const span = bus.startSpan(['gpu', 'dispatch'], { kernel: 'add' });
    expect(seen.map(([kind]) => kind)).to.deep.equal(['start', 'end']);
    span.stop(undefined, { workgroups: 8 });
    off();
    expect(seen.map(([kind]) => kind)).to.deep.equal(['start', 'end', 'asyncStart', 'asyncEnd']);
    expect([seen[0]![1].metadata.kernel, seen[3]![1].endMetadata]).to.deep.equal(['add', { workgroups: 8 }]);
  });

  it("a store bound to the start channel is what the span's callback runs in (runStores)", () => {
    const bus = new Telemetry();
    publisher = publishSpans(bus);
    const store = new AsyncLocalStorage<string>();
    const start = dc.channel(`tracing:${NAME}:start`);
    start.bindStore(store, (m) => `apm:${(m as SpanMessage).name}`);
    try {
      expect(bus.span(['job'], {}, () => store.getStore())).to.equal('apm:job');
    } finally {
      start.unbindStore(store);
    }
  });

  it('the diagnostics bridge’s server spans reach the TracingChannel', async () => {
    const bus = new Telemetry();
    publisher = publishSpans(bus);
    const bridge = bridgeDiagnostics(bus, { http: { server: true } });
    const { seen, off } = listen();
    const server = await startServer((_req, res) => res.end());
    try {
      await httpGet(`${server.url}/x`);
      await until(() => seen.some(([kind]) => kind === 'asyncEnd'), 'asyncEnd');
    } finally {
      off();
      await bridge.stop();
      await server.close();
    }
    expect(seen.map(([kind, m]) => `${kind} ${m.name}`)).to.deep.equal(['start http.server.request', 'end http.server.request', 'asyncStart http.server.request', 'asyncEnd http.server.request']);
    expect(seen[3]![1].endMetadata).to.deep.equal({ statusCode: 200 });
  });

  it('stop() unbinds, stops watching (the channels get their own methods back) and is idempotent', async () => {
    const bus = new Telemetry();
    publisher = publishSpans(bus);
    const { off } = listen();
    const first = publisher.stop();
    expect(publisher.stop()).to.equal(first);
    await first;
    expect([publisher.publishing, bus.spanEvent(['job']).active]).to.deep.equal([false, false]);
    expect(Object.getOwnPropertyNames(dc.channel(`tracing:${NAME}:start`))).to.not.include('subscribe');
    off();
  });

  it('is registered with the bus: shutdown() stops it', async () => {
    const bus = new Telemetry();
    publishSpans(bus);
    const report = await bus.shutdown();
    expect(report.stopped.filter((n) => n.startsWith('diagnostics-span-publisher-'))).to.have.length(1);
  });

  it('a second publisher of one bus on one channel is a TypeError; two buses share a channel', async () => {
    const a = new Telemetry();
    const b = new Telemetry();
    publisher = publishSpans(a);
    expect(() => publishSpans(a)).to.throw(TypeError, /already published/);
    const other = publishSpans(b);
    const { seen, off } = listen();
    a.span(['from', 'a'], {}, () => undefined);
    b.span(['from', 'b'], {}, () => undefined);
    off();
    await other.stop();
    expect(seen.filter(([kind]) => kind === 'start').map(([, m]) => m.name)).to.deep.equal(['from.a', 'from.b']);
  });

  it('a custom name publishes there and not on the default channel', () => {
    const bus = new Telemetry();
    publisher = publishSpans(bus, { name: 'my-app:span' });
    const mine = listen('my-app:span');
    const fallback = listen();
    bus.span(['job'], {}, () => undefined);
    mine.off();
    fallback.off();
    expect([mine.seen.length, fallback.seen.length]).to.deep.equal([2, 0]);
  });

  it('maxOpenSpans bounds spans published and not ended; the rest are not published and are counted', () => {
    const bus = new Telemetry();
    const dropped = recordEvents(bus, [['telemetry', 'diagnostics', 'dropped']]);
    publisher = publishSpans(bus, { maxOpenSpans: 1 });
    const { seen, off } = listen();
    const first = bus.startSpan(['a']);
    const second = bus.startSpan(['b']);
    second.stop();
    first.stop();
    off();
    expect(seen.map(([kind, m]) => `${kind} ${m.name}`)).to.deep.equal(['start a', 'end a', 'asyncStart a', 'asyncEnd a']);
    expect(dropped.map((e) => [e.measurements.count, e.metadata.reason])).to.deep.equal([[1, 'max_open_spans']]);
  });
});
