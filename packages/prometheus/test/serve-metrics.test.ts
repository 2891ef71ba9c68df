import { Telemetry } from '@rx-telemetry/core';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';
import { expect } from 'chai';
import { SCRAPE_EVENT, serveMetrics } from '../src/index.js';

describe('serveMetrics', () => {
  it('serves an exposition made per scrape, awaited, in the format the Accept header asks for, as a scrape span', async () => {
    const telemetry = new Telemetry();
    const spans = recordEvents(telemetry, [[...SCRAPE_EVENT, 'stop']]);
    let scrapes = 0;
    const server = await serveMetrics(telemetry, async (format) => {
      await new Promise((r) => setTimeout(r, 20));
      return format === 'openmetrics' ? `# TYPE a counter\na_total ${++scrapes}\n# EOF\n` : `a_total ${++scrapes}\n`;
    }, { port: 0 });
    expect(await (await fetch(`${server.url}/metrics`)).text()).to.equal('a_total 1\n');
    const om = await fetch(`${server.url}/metrics`, { headers: { Accept: 'application/openmetrics-text' } });
    expect([om.headers.get('content-type'), await om.text()]).to.deep.equal(['application/openmetrics-text; version=1.0.0; charset=utf-8', '# TYPE a counter\na_total 2\n# EOF\n']);
    expect(spans.map((s) => [s.metadata.format, s.measurements.bytes, (s.measurements.duration as number) >= 15])).to.deep.equal([
      ['text', 10, true],
      ['openmetrics', 33, true],
    ]);
    expect((await fetch(`${server.url}/health`)).status).to.equal(200);
    await server.close();
  });

  it('answers 500 when the scrape rejects, and the error goes to the span only', async () => {
    const telemetry = new Telemetry();
    const failures = recordEvents(telemetry, [[...SCRAPE_EVENT, 'exception']]);
    const server = await serveMetrics(telemetry, () => Promise.reject(new Error('worker merge failed')), { port: 0 });
    const res = await fetch(`${server.url}/metrics`);
    expect([res.status, await res.text()]).to.deep.equal([500, 'internal error\n']);
    expect((failures[0]?.metadata.reason as Error).message).to.equal('worker merge failed');
    await server.close();
  });

  it('refuses a missing bus or scrape function with a TypeError', async () => {
    let err: unknown;
    await serveMetrics({} as Telemetry, () => '').catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(TypeError);
    err = undefined;
    await serveMetrics(new Telemetry(), 'x' as never).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(TypeError);
  });
});
