// Issue 14 item 18: a /health whose health function never settles hung forever, and a throwing
// render() put the error text in the 500 body. Both tests failed before the fix (the first timed
// out, the second found the error message in the body).
import { counter, Telemetry } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { Aggregator } from '@rx-telemetry/hdr';
import { expect } from 'chai';
import { PrometheusReporter, SCRAPE_EVENT } from '../../src/index.js';

describe('adversarial: /health and render failures', () => {
  let telemetry: Telemetry;
  let reporter: PrometheusReporter;
  beforeEach(() => {
    telemetry = new Telemetry();
    const aggregator = new Aggregator(telemetry, { metrics: [counter('a.b.count')] });
    reporter = new PrometheusReporter(telemetry, { aggregator });
  });
  afterEach(() => telemetry.shutdown());

  it('answers 503 when the health function has not settled within healthTimeoutMs, and aborts its signal', async () => {
    let signal: AbortSignal | undefined;
    const server = await reporter.listen({
      port: 0,
      healthTimeoutMs: 200,
      health: (s) => {
        signal = s;
        return new Promise(() => undefined);
      },
    });
    const started = performance.now();
    const res = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(5_000) });
    expect(performance.now() - started).to.be.within(150, 3_000);
    expect([res.status, await res.json()]).to.deep.equal([503, { status: 'critical', error: 'health check did not answer within 200 ms' }]);
    expect(signal?.aborted).to.equal(true);
  });

  it('answers a throwing render with a generic 500 and reports the error as the scrape exception event', async () => {
    const exceptions = recordEvents(telemetry, [[...SCRAPE_EVENT, 'exception']]);
    (reporter as { render: () => string }).render = () => {
      throw new Error('secret internals: /etc/passwd');
    };
    const server = await reporter.listen({ port: 0 });
    const res = await fetch(`${server.url}/metrics`);
    const body = await res.text();
    expect([res.status, body]).to.deep.equal([500, 'internal error\n']);
    expect(exceptions).to.have.length(1);
    expect((exceptions[0].metadata.reason as Error).message).to.equal('secret internals: /etc/passwd');
    expect((await fetch(`${server.url}/health`)).status).to.equal(200);
  });
});
