import { currentTraceContext, Telemetry, withCorrelation, withTraceparent, type TraceContext } from '@rx-telemetry/core';
import { expect } from 'chai';
import { attachLogger } from '../src/index.js';
import { freshBusAndFile, WRITERS, type LogFile } from './helpers.js';

for (const writer of WRITERS) {
  describe(`attachLogger lines (writer: ${writer})`, () => {
    let file: LogFile;
    let bus: Telemetry;
    freshBusAndFile((b, f) => {
      bus = b;
      file = f;
    });

    it('writes one JSON line per event with the name as msg, measurements, metadata and correlation id', async () => {
      const log = attachLogger(bus, { destination: file.path, writer });
      withCorrelation('req-7', () => bus.emit(['cache', 'miss'], { bytes: 512 }, { key: 'user:1' }));
      bus.emit(['cache', 'hit'], { bytes: 64 }, { key: 'user:2' });
      await log.flush();
      const lines = await file.read();
      expect(lines).to.have.length(2);
      expect(lines[0]).to.include({ level: 30, msg: 'cache.miss', correlationId: 'req-7' });
      expect(lines[0].measurements).to.deep.equal({ bytes: 512 });
      expect(lines[0].metadata).to.deep.equal({ key: 'user:1' });
      expect(lines[1]).to.include({ msg: 'cache.hit' });
      expect(lines[1]).to.not.have.property('correlationId');
      expect(lines[0].time).to.be.a('number');
    });

    it("writes the active span's trace_id, span_id and trace_flags on its own events and on events inside it", async () => {
      const log = attachLogger(bus, { destination: file.path, writer });
      const ctx = bus.span(['job', 'run'], {}, () => {
        bus.emit(['job', 'progress'], { done: 1 });
        return currentTraceContext() as TraceContext;
      });
      await log.flush();
      const lines = await file.read();
      expect(ctx.traceId).to.match(/^[0-9a-f]{32}$/);
      expect(lines.map((l) => [l.msg, l.trace_id, l.span_id, l.trace_flags])).to.deep.equal([
        ['job.run.start', ctx.traceId, ctx.spanId, '01'],
        ['job.progress', ctx.traceId, ctx.spanId, '01'],
        ['job.run.stop', ctx.traceId, ctx.spanId, '01'],
      ]);
    });

    it("a nested span's lines carry its own span_id under the outer span's trace_id", async () => {
      const log = attachLogger(bus, { destination: file.path, writer });
      const [outer, inner] = bus.span(['outer'], {}, () => [currentTraceContext(), bus.span(['inner'], {}, () => currentTraceContext())]) as TraceContext[];
      await log.flush();
      const lines = (await file.read()).filter((l) => (l.msg as string).startsWith('inner.'));
      expect(lines.map((l) => [l.trace_id, l.span_id])).to.deep.equal([
        [outer.traceId, inner.spanId],
        [outer.traceId, inner.spanId],
      ]);
      expect(inner.spanId).to.not.equal(outer.spanId);
    });

    it('continues an incoming traceparent: trace_id is the remote one', async () => {
      const log = attachLogger(bus, { destination: file.path, writer, events: [['req']] });
      const header = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00';
      const own = withTraceparent(header, () => bus.span(['req'], {}, () => currentTraceContext())) as TraceContext;
      await log.flush();
      const lines = await file.read();
      expect(lines.map((l) => [l.trace_id, l.span_id, l.trace_flags])).to.deep.equal([
        ['4bf92f3577b34da6a3ce929d0e0e4736', own.spanId, '00'],
        ['4bf92f3577b34da6a3ce929d0e0e4736', own.spanId, '00'],
      ]);
    });

    it('writes no trace fields outside a span', async () => {
      const log = attachLogger(bus, { destination: file.path, writer });
      bus.emit(['tick'], {});
      await log.flush();
      const [line] = await file.read();
      expect(line).to.not.have.any.keys('trace_id', 'span_id', 'trace_flags', 'spanId');
    });

    it('writes each id once: no integer span ids, the correlation id only at top level', async () => {
      const log = attachLogger(bus, { destination: file.path, writer, events: [['job']] });
      withCorrelation('req-9', () => bus.span(['job', 'run'], { job: 'mail' }, () => bus.span(['job', 'step'], {}, () => undefined)));
      await log.flush();
      const lines = await file.read();
      expect(lines).to.have.length(4);
      for (const line of lines) {
        expect(line).to.include({ correlationId: 'req-9' });
        expect(line).to.not.have.property('spanId');
        expect(line.metadata).to.not.have.any.keys('spanId', 'parentSpanId', 'correlationId');
        const text = JSON.stringify(line);
        expect(text.split('req-9')).to.have.length(2);
        expect(text.split(line.span_id as string)).to.have.length(2);
      }
      expect(lines[0].metadata).to.deep.equal({ job: 'mail' });
    });

    it('keeps spanId in the metadata of an event that is not a span event', async () => {
      const log = attachLogger(bus, { destination: file.path, writer });
      bus.emit(['external', 'stop'], {}, { spanId: 'abc', parentSpanId: 3 });
      await log.flush();
      expect((await file.read())[0].metadata).to.deep.equal({ spanId: 'abc', parentSpanId: 3 });
    });

    it('writes span exceptions at level error with the stack, not the raw reason in metadata', async () => {
      const log = attachLogger(bus, { destination: file.path, writer, events: [['job']] });
      expect(() => bus.span(['job', 'run'], { job: 'mail' }, () => {
        throw new RangeError('quota exceeded');
      })).to.throw(RangeError);
      await log.flush();
      const [, exception] = await file.read();
      expect(exception).to.include({ level: 50, msg: 'job.run.exception' });
      const err = exception.err as Record<string, string>;
      expect(err.type).to.equal('RangeError');
      expect(err.message).to.equal('quota exceeded');
      expect(err.stack).to.match(/^RangeError: quota exceeded\n\s+at /);
      expect(exception.metadata).to.include({ job: 'mail', kind: 'error' });
      expect(exception.metadata).to.not.have.any.keys('reason', 'stacktrace');
    });

    it('serializes Error values in other metadata with their stack instead of {}', async () => {
      const log = attachLogger(bus, { destination: file.path, writer });
      bus.emit(['queue', 'retry'], { attempt: 2 }, { cause: new TypeError('bad payload') });
      await log.flush();
      const [line] = await file.read();
      const cause = (line.metadata as Record<string, Record<string, string>>).cause;
      expect(cause.message).to.equal('bad payload');
      expect(cause.stack).to.match(/^TypeError: bad payload/);
    });

    it('writes handler failures at level error', async () => {
      const log = attachLogger(bus, { destination: file.path, writer, events: [['telemetry']] });
      bus.attach('broken', ['x'], () => {
        throw new Error('handler bug');
      });
      bus.emit(['x'], {});
      await log.flush();
      const [line] = await file.read();
      expect(line).to.include({ level: 50, msg: 'telemetry.handler.failure' });
      expect(((line.metadata as Record<string, unknown>).error as Record<string, string>).message).to.equal('handler bug');
    });

    it('uses the level function, and info for a level pino does not know', async () => {
      const log = attachLogger(bus, { destination: file.path, writer, level: (event) => (event[1] === 'debug' ? 'debug' : ('loud' as never)) });
      bus.emit(['app', 'debug'], {});
      bus.emit(['app', 'other'], {});
      await log.flush();
      expect((await file.read()).map((l) => l.level)).to.deep.equal([20, 30]);
    });

    it('logs only events matching the patterns, once even when several match', async () => {
      const log = attachLogger(bus, { destination: file.path, writer, events: [['http'], ['*', 'request'], ['db', 'query', 'stop']] });
      bus.emit(['http', 'request'], {});
      bus.emit(['grpc', 'request'], {});
      bus.emit(['db', 'query', 'stop'], {});
      bus.emit(['db', 'query', 'start'], {});
      bus.emit(['other'], {});
      await log.flush();
      expect((await file.read()).map((l) => l.msg)).to.deep.equal(['http.request', 'grpc.request', 'db.query.stop']);
    });

    it('stops logging on stop() but still writes what was buffered', async () => {
      const log = attachLogger(bus, { destination: file.path, writer });
      bus.emit(['a'], {});
      const stopped = log.stop();
      bus.emit(['b'], {});
      await stopped;
      expect((await file.read()).map((l) => l.msg)).to.deep.equal(['a']);
      expect(log.stats()).to.deep.equal({ written: 1, dropped: 0 });
    });

    it('counts a line the level function throws on as dropped and keeps the emitter safe', async () => {
      const log = attachLogger(bus, {
        destination: file.path,
        level: (event) => {
          if (event[0] === 'bad') throw new Error('level bug');
          return 'info';
        },
      });
      expect(() => bus.emit(['bad'], {})).to.not.throw();
      bus.emit(['good'], {});
      await log.flush();
      expect((await file.read()).map((l) => l.msg)).to.deep.equal(['good']);
      expect(log.stats()).to.deep.equal({ written: 1, dropped: 1 });
    });
  });
}
