import { expect } from 'chai';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Subject } from 'rxjs';
import { Telemetry } from '@rx-telemetry/core';
import type { MetricsSnapshot } from '@rx-telemetry/hdr';
import { Alerts, logHandler } from '../src/index.js';
import { latency, snapshot } from './snapshots.js';

describe('logHandler (pino)', () => {
  it('logs firing critical at error and the resolution at info, with the alert as a field', async () => {
    const lines: { level: number; msg: string; alert: { name: string; status: string; labels: Record<string, string> } }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line));
        done();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    const source = new Subject<MetricsSnapshot>();
    const alerts = new Alerts(new Telemetry(), {
      source,
      rules: [{ name: 'Hot', severity: 'critical', metric: 'lat', stat: 'p99', op: '>', threshold: 100 }],
      handlers: [logHandler(logger)],
    });
    source.next(snapshot(0, latency('lat', [{ route: '/a' }, 500])));
    source.next(snapshot(1000, latency('lat', [{ route: '/a' }, 50])));
    await alerts.flush();
    expect(lines.map((l) => [l.level, l.msg, l.alert.status])).to.deep.equal([
      [50, 'alert Hot firing', 'firing'],
      [30, 'alert Hot resolved', 'resolved'],
    ]);
    expect(lines[0].alert.labels).to.deep.equal({ route: '/a' });
  });

  it('rejects something that is not a logger', () => {
    expect(() => logHandler({ info() {} } as never)).to.throw(TypeError, /info, warn and error/);
  });
});
