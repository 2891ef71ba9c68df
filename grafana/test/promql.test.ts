import { expect } from 'chai';
import { namePatterns, selectorNames } from './lib/promql.js';

describe('selectorNames (the metric names a PromQL expression reads)', () => {
  it('skips functions, aggregations with by/without lists, label matchers and ranges', () => {
    expect(selectorNames('histogram_quantile(0.99, sum by (kernel, le) (rate(a_bucket{job=~"x", le!="1"}[5m])))')).to.deep.equal(['a_bucket']);
    expect(selectorNames('sum without (instance) (b_total) / on (job) group_left (kernel) c')).to.deep.equal(['b_total', 'c']);
  });

  it('finds recording-rule names with colons, and names in {__name__="..."}', () => {
    expect(selectorNames('job:x:rate5m{job="a"} > 0.05')).to.deep.equal(['job:x:rate5m']);
    expect(selectorNames('rate({__name__="d_count", job=~"$job"}[1m])')).to.deep.equal(['d_count']);
  });

  it('skips keywords, offsets, numbers with exponents and strings', () => {
    expect(selectorNames('x > 2 * 1024 unless y offset 10m or vector(1e6) and bool 3')).to.deep.equal(['x', 'y']);
    expect(selectorNames('label_replace(z, "kind", "a or b", "", "")')).to.deep.equal(['z']);
  });

  it('lists a name once however often it appears', () => {
    expect(selectorNames('a + a * 0 or a')).to.deep.equal(['a']);
  });
});

describe('namePatterns (the {__name__=~"..."} matchers of an expression)', () => {
  it('returns them anchored, as Prometheus applies them', () => {
    const [p] = namePatterns('sum(rate({__name__=~"(.+_)?rx_telemetry_dropped_events_total", job="a"}[1m]))');
    expect(p?.test('rx_rx_telemetry_dropped_events_total')).to.equal(true);
    expect(p?.test('rx_telemetry_dropped_events_total')).to.equal(true);
    expect(p?.test('rx_telemetry_dropped_events_total_x')).to.equal(false);
  });
});
