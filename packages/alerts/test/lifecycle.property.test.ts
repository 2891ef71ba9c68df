import { expect } from 'chai';
import fc from 'fast-check';
import { Subject } from 'rxjs';
import { Telemetry } from '@rx-telemetry/core';
import type { MetricsSnapshot } from '@rx-telemetry/hdr';
import { Alerts, ALERT_FIRED_EVENT } from '../src/index.js';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { latency, snapshot } from './snapshots.js';

const STEP_MS = 1000;
const RULE = { name: 'P', severity: 'warning', metric: 'lat', stat: 'p99', op: '>', threshold: 100 } as const;

const feedOf = (source: Subject<MetricsSnapshot>) => (breach: boolean, i: number) => source.next(snapshot(i * STEP_MS, latency('lat', [{}, breach ? 150 : 50])));

/** The lifecycle written the plain way: fire at the first snapshot meeting both conditions. */
function model(breaches: boolean[], forMs: number, occurrences: number): string[] {
  const out: string[] = [];
  let runStart: number | undefined;
  let run = 0;
  let firing = false;
  breaches.forEach((breach, i) => {
    const t = i * STEP_MS;
    if (!breach) {
      if (firing) out.push(`resolved@${t}`);
      firing = false;
      runStart = undefined;
      run = 0;
      return;
    }
    runStart ??= t;
    run++;
    if (!firing && run >= occurrences && t - runStart >= forMs) {
      firing = true;
      out.push(`firing@${t}`);
    }
  });
  return out;
}

describe('alert lifecycle (properties)', () => {
  it('fires and resolves exactly when forMs and occurrenceThreshold prescribe, for any breach sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 60 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 4 }), (breaches, forSteps, occurrences) => {
        const forMs = forSteps * STEP_MS;
        const source = new Subject<MetricsSnapshot>();
        const alerts = new Alerts(new Telemetry(), { source, rules: [{ ...RULE, forMs }], suppression: { occurrenceThreshold: occurrences } });
        breaches.forEach(feedOf(source));
        const got = alerts.history().map((a) => `${a.status}@${a.status === 'firing' ? a.firedAt : a.endsAt}`);
        expect(got).to.deep.equal(model(breaches, forMs, occurrences));
      }),
      { numRuns: 300 },
    );
  });

  it('notifications pair up (firing, then its resolution) and firings are never closer than minIntervalMs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 8 }), async (breaches, intervalSteps) => {
        const minIntervalMs = intervalSteps * STEP_MS;
        const telemetry = new Telemetry();
  const seen = recordEvents(telemetry, [ALERT_FIRED_EVENT]);
        const source = new Subject<MetricsSnapshot>();
        const sent: { status: string; at: number }[] = [];
        let now = 0;
        const alerts = new Alerts(telemetry, { source, rules: [RULE], handlers: [(a) => void sent.push({ status: a.status, at: now })], suppression: { minIntervalMs } });
        // End below the threshold so every episode is over; flush after each snapshot to know when it was sent.
        for (const [i, breach] of [...breaches, false].entries()) {
          now = i * STEP_MS;
          feedOf(source)(breach, i);
          await alerts.flush();
        }
        expect(sent.map((s) => s.status).join(' ')).to.match(/^(firing resolved ?)*$/);
        const firings = sent.filter((s) => s.status === 'firing').map((s) => s.at);
        for (let i = 1; i < firings.length; i++) expect(firings[i] - firings[i - 1]).to.be.at.least(minIntervalMs);
        if (minIntervalMs === 0) expect(firings.length).to.equal(seen.length);
      }),
      { numRuns: 200 },
    );
  });
});
