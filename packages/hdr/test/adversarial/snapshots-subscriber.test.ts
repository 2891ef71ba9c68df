// Issue 14 item 2: a throwing snapshots() subscriber was rethrown by RxJS on a timer (an
// uncaught exception: the process died). This test failed before the fix: the fake clock's tick
// threw the subscriber's error.
import { counter, Telemetry } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import FakeTimers from '@sinonjs/fake-timers';
import { expect } from 'chai';
import { map } from 'rxjs';
import { Aggregator, SUBSCRIBER_FAILURE_EVENT } from '../../src/index.js';

describe('adversarial: a snapshots() subscriber that throws', () => {
  it('is unsubscribed and reported; nothing is rethrown, the other subscribers keep receiving', async () => {
    const clock = FakeTimers.install({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      const telemetry = new Telemetry();
      const failures = recordEvents(telemetry, [[...SUBSCRIBER_FAILURE_EVENT]]);
      const agg = new Aggregator(telemetry, { metrics: [counter('a.b.count')] });
      let bad = 0;
      let good = 0;
      agg.snapshots(10).subscribe(() => {
        bad++;
        throw new Error('consumer bug');
      });
      agg.snapshots(10).pipe(map((s) => s.metrics.length)).subscribe(() => good++);
      expect(() => clock.tick(100)).not.to.throw();
      expect([bad, good]).to.deep.equal([1, 10]);
      expect(failures).to.have.length(1);
      expect(failures[0].metadata).to.include({ intervalMs: 10 });
      expect((failures[0].metadata.error as Error).message).to.equal('consumer bug');
      await agg.stop();
    } finally {
      clock.uninstall();
    }
  });

  it('an operator that throws inside a pipe is isolated the same way', async () => {
    const clock = FakeTimers.install({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      const telemetry = new Telemetry();
      const failures = recordEvents(telemetry, [[...SUBSCRIBER_FAILURE_EVENT]]);
      const agg = new Aggregator(telemetry, { metrics: [counter('a.b.count')] });
      agg
        .snapshots(10)
        .pipe(
          map(() => {
            throw new Error('map bug');
          }),
        )
        .subscribe();
      expect(() => clock.tick(50)).not.to.throw();
      expect(failures.map((f) => (f.metadata.error as Error).message)).to.deep.equal(['map bug']);
      await agg.stop();
    } finally {
      clock.uninstall();
    }
  });
});
