import { counter, Telemetry } from '@rx-telemetry/core';
import { Aggregator } from '@rx-telemetry/hdr';
import { expect } from 'chai';
import { connect } from 'node:net';
import { PrometheusReporter, SCRAPE_EVENT, type HealthReport, type Listening } from '../src/index.js';

function raw(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let data = '';
    socket.on('data', (d) => (data += d.toString()));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
    socket.write(request);
  });
}

describe('PrometheusReporter.listen', () => {
  let telemetry: Telemetry;
  let agg: Aggregator;
  let reporter: PrometheusReporter;
  let server: Listening | undefined;
  beforeEach(() => {
    telemetry = new Telemetry();
    agg = new Aggregator(telemetry, { metrics: [counter('http.request.stop.count')] });
    telemetry.emit(['http', 'request', 'stop'], {});
    reporter = new PrometheusReporter(telemetry, { aggregator: agg });
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    agg.stop();
  });

  it('binds 127.0.0.1 by default and serves the text format without an Accept header', async () => {
    server = await reporter.listen({ port: 0 });
    expect(new URL(server.url).hostname).to.equal('127.0.0.1');
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('text/plain; version=0.0.4; charset=utf-8');
    const body = await res.text();
    expect(body).to.contain('http_request_stop_count_total 1\n');
    expect(body).not.to.contain('# EOF');
  });

  it("serves OpenMetrics for Prometheus 2.42's Accept header", async () => {
    server = await reporter.listen({ port: 0 });
    const res = await fetch(`${server.url}/metrics`, {
      headers: { Accept: 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1' },
    });
    expect(res.headers.get('content-type')).to.equal('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect((await res.text()).endsWith('# EOF\n')).to.equal(true);
  });

  it('emits scrape span events', async () => {
    const seen: unknown[] = [];
    telemetry.attach('t', [...SCRAPE_EVENT, 'stop'], (_e, m, md) => seen.push({ format: md.format, bytes: m.bytes > 0, duration: m.duration >= 0 }));
    server = await reporter.listen({ port: 0 });
    await (await fetch(`${server.url}/metrics`)).text();
    expect(seen).to.deep.equal([{ format: 'text', bytes: true, duration: true }]);
  });

  it('answers GET /health with {"status":"healthy"} when no health function is given', async () => {
    server = await reporter.listen({ port: 0 });
    const res = await fetch(`${server.url}/health`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ status: 'healthy' });
  });

  it('answers /health with the health report: 200 when degraded, 503 when critical or failing', async () => {
    let report: HealthReport = { status: 'degraded', checks: { db: 'slow' } };
    let fail = false;
    server = await reporter.listen({
      port: 0,
      health: async () => {
        if (fail) throw new Error('probe broke');
        return report;
      },
    });
    let res = await fetch(`${server.url}/health`);
    expect([res.status, await res.json()]).to.deep.equal([200, { status: 'degraded', checks: { db: 'slow' } }]);
    report = { status: 'critical' };
    res = await fetch(`${server.url}/health`);
    expect([res.status, await res.json()]).to.deep.equal([503, { status: 'critical' }]);
    fail = true;
    res = await fetch(`${server.url}/health`);
    expect([res.status, await res.json()]).to.deep.equal([503, { status: 'critical', error: 'probe broke' }]);
  });

  it('requires Authorization: Bearer <token> when a token is set', async () => {
    server = await reporter.listen({ port: 0, token: 's3cret' });
    expect((await fetch(`${server.url}/metrics`)).status).to.equal(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { Authorization: 'Bearer wrong!' } })).status).to.equal(401);
    expect((await fetch(`${server.url}/health`, { headers: { Authorization: 'Basic czNjcmV0' } })).status).to.equal(401);
    const ok = await fetch(`${server.url}/metrics`, { headers: { Authorization: 'Bearer s3cret' } });
    expect(ok.status).to.equal(200);
    expect(await ok.text()).to.contain('http_request_stop_count_total 1');
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    server = await reporter.listen({ port: 0 });
    expect((await fetch(`${server.url}/`)).status).to.equal(404);
    expect((await fetch(`${server.url}/metricsx`)).status).to.equal(404);
    const post = await fetch(`${server.url}/metrics`, { method: 'POST', body: 'x' });
    expect([post.status, post.headers.get('allow')]).to.deep.equal([405, 'GET, HEAD']);
    expect((await fetch(`${server.url}/health`, { method: 'DELETE' })).status).to.equal(405);
  });

  it('answers a malformed request with a 4xx and keeps serving', async () => {
    server = await reporter.listen({ port: 0 });
    const answer = await raw(server.url, 'GARBAGE \x00\x01 nonsense\r\n\r\n');
    expect(answer).to.match(/^HTTP\/1\.1 4\d\d /);
    const bad = await raw(server.url, 'GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n');
    expect(bad).to.match(/^HTTP\/1\.1 4\d\d /);
    expect((await fetch(`${server.url}/metrics`)).status).to.equal(200);
  });

  it('answers a client that never finishes its headers with 408 after headersTimeoutMs, and keeps serving', async () => {
    server = await reporter.listen({ port: 0, headersTimeoutMs: 300 });
    const started = performance.now();
    // Headers never end (no blank line): only the server's header timeout can end this.
    const answer = await raw(server.url, 'GET /metrics HTTP/1.1\r\nHost: x\r\n');
    const waited = performance.now() - started;
    expect(answer).to.match(/^HTTP\/1\.1 408 /);
    expect(waited).to.be.within(250, 3000);
    expect((await fetch(`${server.url}/metrics`)).status).to.equal(200);
  });

  it('rejects bad listen options with a TypeError', async () => {
    let err: unknown;
    try {
      await reporter.listen({ port: 70000 });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(TypeError);
    for (const bad of [{ token: '' }, { headersTimeoutMs: 0 }, { requestTimeoutMs: 1.5 }, { headersTimeoutMs: 2000, requestTimeoutMs: 1000 }]) {
      err = undefined;
      try {
        await reporter.listen({ port: 0, ...bad });
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(bad)).to.be.instanceOf(TypeError);
    }
  });
});
