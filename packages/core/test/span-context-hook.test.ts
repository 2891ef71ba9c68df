import { expect } from 'chai';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Telemetry, type SpanContextInfo } from '../src/index.js';

describe('bindSpanContext', () => {
  it('runs every span callback inside the hook, with the span info', () => {
    const t = new Telemetry();
    const als = new AsyncLocalStorage<number>();
    const infos: SpanContextInfo[] = [];
    t.bindSpanContext((span, fn) => {
      infos.push(span);
      return als.run(span.spanId, fn);
    });
    const inside = t.span(['hooked'], { a: 1 }, () => als.getStore());
    expect(infos).to.have.length(1);
    expect([inside, infos[0].prefix, infos[0].metadata.a]).to.deep.equal([infos[0].spanId, ['hooked'], 1]);
  });

  it('passes the result through unchanged', () => {
    const t = new Telemetry();
    t.bindSpanContext((_span, fn) => fn());
    expect(t.span(['x'], {}, () => 'result')).to.equal('result');
  });

  it('nests several hooks in registration order', () => {
    const t = new Telemetry();
    const order: string[] = [];
    t.bindSpanContext((_s, fn) => {
      order.push('first');
      return fn();
    });
    t.bindSpanContext((_s, fn) => {
      order.push('second');
      return fn();
    });
    t.span(['x'], {}, () => order.push('fn'));
    expect(order).to.deep.equal(['first', 'second', 'fn']);
  });

  it('stops running the hook once unregistered', () => {
    const t = new Telemetry();
    let calls = 0;
    const off = t.bindSpanContext((_s, fn) => {
      calls++;
      return fn();
    });
    t.span(['x'], {}, () => undefined);
    off();
    t.span(['x'], {}, () => undefined);
    expect(calls).to.equal(1);
  });

  it('gives nested spans their parent in the info', () => {
    const t = new Telemetry();
    const infos: SpanContextInfo[] = [];
    t.bindSpanContext((span, fn) => {
      infos.push(span);
      return fn();
    });
    t.span(['outer'], {}, () => t.span(['inner'], {}, () => undefined));
    expect(infos[1].parentSpanId).to.equal(infos[0].spanId);
  });
});
