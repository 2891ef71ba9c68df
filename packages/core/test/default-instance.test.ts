import { expect } from 'chai';
import { attach, attachMany, detach, emit, events, listHandlers, span, telemetry } from '../src/index.js';

describe('the default instance', () => {
  afterEach(() => {
    for (const h of telemetry.listHandlers()) telemetry.detach(h.id);
  });

  it('binds attach, emit and detach to the exported telemetry', () => {
    let count = 0;
    attach('default-h', ['default', 'x'], () => count++);
    emit(['default', 'x'], {});
    telemetry.emit(['default', 'x'], {});
    expect([count, detach('default-h')]).to.deep.equal([2, true]);
  });

  it('binds attachMany and listHandlers', () => {
    attachMany('default-m', [['d', 'a'], ['d', 'b']], () => undefined);
    expect(listHandlers(['d']).map((h) => h.event.join('.'))).to.deep.equal(['d.a', 'd.b']);
  });

  it('binds span and events', () => {
    const names: string[] = [];
    const sub = events(['default-span']).subscribe((e) => names.push(e.name.join('.')));
    span(['default-span'], {}, () => undefined);
    sub.unsubscribe();
    expect(names).to.deep.equal(['default-span.start', 'default-span.stop']);
  });
});
