import { expect } from 'chai';
import { Subject } from 'rxjs';
import { Telemetry } from '@rx-telemetry/core';
import type { MetricsSnapshot } from '@rx-telemetry/hdr';
import { Alerts, type RatioRule } from '../src/index.js';
import { histogramSeries, metric, snapshot, valueSeries, WINDOW_MS } from './snapshots.js';

const RULE: RatioRule = { name: 'ErrorRate', severity: 'critical', ratio: { numerator: 'errors', denominator: 'requests' }, op: '>', threshold: 0.1 };

function setup(rule: RatioRule = RULE) {
  const source = new Subject<MetricsSnapshot>();
  const alerts = new Alerts(new Telemetry(), { source, rules: [rule] });
  return { alerts, source };
}

/** Cumulative counters: requests and errors per route. */
function counters(t: number, requests: Record<string, number>, errors: Record<string, number>): MetricsSnapshot {
  return snapshot(
    t,
    metric('requests', 'counter', Object.entries(requests).map(([route, v]) => valueSeries(v, { route }))),
    metric('errors', 'counter', Object.entries(errors).map(([route, v]) => valueSeries(v, { route }))),
  );
}

describe('ratio rules', () => {
  it('computes the error rate from distribution window counts', () => {
    const { alerts, source } = setup();
    source.next(snapshot(0, metric('requests', 'distribution', [histogramSeries(5, 200)]), metric('errors', 'distribution', [histogramSeries(5, 30)])));
    expect(alerts.active()[0]).to.include({ value: 30 / 200, threshold: 0.1, status: 'firing' });
  });

  it('uses counter increases over the window, not totals since start', () => {
    const { alerts, source } = setup();
    // Before: 1000 requests, 500 errors (an old incident). Since: 100 requests, 5 errors.
    source.next(counters(0, { '/a': 1000 }, { '/a': 500 }));
    expect(alerts.active(), 'one sample is no increase yet').to.have.length(0);
    source.next(counters(WINDOW_MS / 2, { '/a': 1100 }, { '/a': 505 }));
    expect(alerts.active()).to.have.length(0);
    source.next(counters(WINDOW_MS, { '/a': 1200 }, { '/a': 560 }));
    expect(alerts.active()[0].value).to.be.closeTo(60 / 200, 1e-12);
  });

  it('an error series that appears after start counts from zero', () => {
    const { alerts, source } = setup();
    source.next(counters(0, { '/a': 1000 }, {}));
    source.next(counters(1000, { '/a': 1100 }, { '/a': 40 }));
    expect(alerts.active()[0].value).to.be.closeTo(40 / 100, 1e-12);
  });

  it('no requests means no data: nothing fires and a firing alert resolves', () => {
    const { alerts, source } = setup();
    source.next(counters(0, { '/a': 0 }, { '/a': 0 }));
    source.next(counters(1000, { '/a': 10 }, { '/a': 5 }));
    expect(alerts.active()).to.have.length(1);
    source.next(counters(2000, { '/a': 10 }, { '/a': 5 }));
    source.next(counters(WINDOW_MS + 1500, { '/a': 10 }, { '/a': 5 }));
    expect(alerts.active()).to.have.length(0);
  });

  it('groups by the `by` tags: one alert per route, labelled with it', () => {
    const { alerts, source } = setup({ ...RULE, ratio: { ...RULE.ratio, by: ['route'] } });
    source.next(counters(0, { '/a': 0, '/b': 0 }, { '/a': 0, '/b': 0 }));
    source.next(counters(1000, { '/a': 100, '/b': 100 }, { '/a': 50, '/b': 1 }));
    expect(alerts.active().map((a) => [a.labels, a.value])).to.deep.equal([[{ route: '/a' }, 0.5]]);
  });

  it('sums every series into one ratio without `by`', () => {
    const { alerts, source } = setup();
    source.next(counters(0, { '/a': 0, '/b': 0 }, { '/a': 0, '/b': 0 }));
    source.next(counters(1000, { '/a': 100, '/b': 100 }, { '/a': 50, '/b': 1 }));
    expect(alerts.active().map((a) => [a.labels, a.value])).to.deep.equal([[{}, 51 / 200]]);
  });

  it('a counter reset gives no data for that evaluation instead of a negative rate', () => {
    const { alerts, source } = setup({ ...RULE, op: '<', threshold: 0 });
    source.next(counters(0, { '/a': 500 }, { '/a': 100 }));
    source.next(counters(1000, { '/a': 10 }, { '/a': 1 }));
    expect(alerts.active()).to.have.length(0);
  });
});
