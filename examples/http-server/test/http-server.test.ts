import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from '@rx-telemetry/devkit/otlp-receiver';

// Runs the example as a user would (a child process), sends it requests, stops it with SIGTERM,
// and checks that each request's log line, exported OpenTelemetry span and response headers
// carry one correlation id and one W3C trace id.

interface LogLine { msg: string; level: number; trace_id?: string; span_id?: string; correlationId?: string; metadata: Record<string, unknown>; err?: { message: string } }
interface Answer { status: number; requestId: string | null; trace: { traceId: string; spanId: string } }

const main = fileURLToPath(new URL('../main.js', import.meta.url));
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';


describe('examples/http-server', function () {
  this.timeout(30_000);
  let child: ChildProcess;
  let stdout = '';
  let stderr = '';
  let exit: Promise<{ code: number | null; signal: string | null }>;
  let receiver: OtlpReceiver;
  let app = '';
  let metricsUrl = '';
  const answers: Record<string, Answer> = {};
  let metricsText = '';
  let openMetrics = '';

  async function get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await fetch(`${app}${path}`, { headers });
    await res.text();
    const [, traceId, spanId] = (res.headers.get('traceresponse') ?? '').split('-');
    return { status: res.status, requestId: res.headers.get('x-request-id'), trace: { traceId, spanId } };
  }

  before(async () => {
    receiver = await startOtlpReceiver();
    child = spawn(process.execPath, [main, '--port', '0', '--metrics-port', '0'], {
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening" line within 10 s:\n${stdout}\n${stderr}`)), 10_000);
      child.stdout!.on('data', (c: Buffer) => {
        stdout += c.toString();
        const m = /listening on (http:\/\/\S+) .*metrics on (http:\/\/\S+)/.exec(stdout);
        if (m !== null && app === '') {
          clearTimeout(timer);
          [, app, metricsUrl] = m;
          resolve();
        }
      });
    });
    answers.continued = await get('/users/1', { traceparent: `00-${TRACE}-${PARENT}-01`, 'x-request-id': 'req-1' });
    answers.notFound = await get('/users/9');
    answers.exception = await get('/boom', { 'x-request-id': 'req-boom' });
    answers.unmatched = await get('/no/such/page');
    answers.badHeader = await get('/hello', { traceparent: 'not-a-traceparent', 'x-request-id': 'req-bad' });
    metricsText = await (await fetch(metricsUrl)).text();
    openMetrics = await (await fetch(metricsUrl, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } })).text();
    child.kill('SIGTERM');
    const result = await Promise.race([exit, new Promise<undefined>((r) => setTimeout(() => r(undefined), 10_000).unref())]);
    if (result === undefined) {
      child.kill('SIGKILL');
      throw new Error(`the example did not exit within 10 s of SIGTERM:\n${stdout}\n${stderr}`);
    }
  });

  after(async () => {
    child?.kill('SIGKILL');
    await receiver?.close();
  });

  const logLines = (): LogLine[] => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine);
  const stopLine = (traceId: string): LogLine | undefined => logLines().find((l) => l.trace_id === traceId && /request\.(stop|exception)$/.test(l.msg));

  it('answers by route and status: 200, 404, 500 for an exception, 404 for an unknown path', () => {
    expect([answers.continued.status, answers.notFound.status, answers.exception.status, answers.unmatched.status, answers.badHeader.status]).to.deep.equal([200, 404, 500, 404, 200]);
  });

  it('echoes the request id it was given, and makes one up otherwise', () => {
    expect(answers.continued.requestId).to.equal('req-1');
    expect(answers.exception.requestId).to.equal('req-boom');
    expect(answers.notFound.requestId).to.match(/^[0-9a-f]{12}$/);
  });

  it('continues an incoming traceparent, and starts a new trace for a missing or invalid one', () => {
    expect(answers.continued.trace.traceId).to.equal(TRACE);
    expect(answers.continued.trace.spanId).to.match(/^[0-9a-f]{16}$/).and.not.equal(PARENT);
    for (const a of [answers.notFound, answers.badHeader]) expect(a.trace.traceId).to.match(/^[0-9a-f]{32}$/).and.not.equal(TRACE);
    expect(answers.notFound.trace.traceId).not.to.equal(answers.badHeader.trace.traceId);
  });

  it("writes one log line per request with the response's correlation id, trace id and span id", () => {
    for (const a of Object.values(answers)) {
      const line = stopLine(a.trace.traceId);
      expect(line, `a log line for trace ${a.trace.traceId}`).not.to.equal(undefined);
      expect({ correlationId: line!.correlationId, span_id: line!.span_id }).to.deep.equal({ correlationId: a.requestId, span_id: a.trace.spanId });
    }
    expect(stopLine(answers.notFound.trace.traceId)!.metadata).to.include({ route: '/users/:id', status: 404 });
  });

  it('logs the exception at level error with its message, apart from error responses', () => {
    const line = stopLine(answers.exception.trace.traceId)!;
    expect(line.msg).to.equal('http.server.request.exception');
    expect(line.level).to.equal(50);
    expect(JSON.stringify(line)).to.contain('a bug in the handler');
    expect(stopLine(answers.notFound.trace.traceId)!.msg).to.equal('http.server.request.stop');
  });

  it('exports every request as an OpenTelemetry SERVER span with the same trace id and span id as its log line', () => {
    for (const a of Object.values(answers)) {
      const span = receiver.spans.find((s) => s.spanId === a.trace.spanId);
      expect(span, `a span ${a.trace.spanId}`).to.include({ traceId: a.trace.traceId, name: 'http.server.request', kind: 2 });
    }
    expect(receiver.spans.find((s) => s.spanId === answers.continued.trace.spanId)!.parentSpanId).to.equal(PARENT);
  });

  it("exports the database query as a child span in the request's trace, and the exception with status ERROR", () => {
    const db = receiver.spans.filter((s) => s.name === 'db.query' && s.traceId === TRACE);
    expect(db.map((s) => s.parentSpanId)).to.deep.equal([answers.continued.trace.spanId]);
    expect(receiver.spans.find((s) => s.spanId === answers.exception.trace.spanId)!.status?.code).to.equal(2);
  });

  it('serves metrics by route and status, exceptions counted apart', () => {
    const value = (series: string): string | undefined => new RegExp(`^${series.replace(/[()[\]{}.*+?^$|\\/]/g, '\\$&')} (\\S+)$`, 'm').exec(metricsText)?.[1];
    expect(value('http_server_requests_total{service="http-server-example",method="GET",route="/users/:id",status="200"}')).to.equal('1');
    expect(value('http_server_requests_total{service="http-server-example",method="GET",route="/users/:id",status="404"}')).to.equal('1');
    expect(value('http_server_requests_total{service="http-server-example",method="GET",route="(unmatched)",status="404"}')).to.equal('1');
    expect(value('http_server_exceptions_total{service="http-server-example",method="GET",route="/boom"}')).to.equal('1');
    expect(value('http_server_request_duration_seconds_count{service="http-server-example",method="GET",route="/users/:id"}')).to.equal('2');
  });

  it('links metrics to traces: every OpenMetrics exemplar carries the trace and span id of a request, the same as its log line and exported span', () => {
    const exemplars = [...openMetrics.matchAll(/^(http_server_\S+?)\{([^}]*)\} \S+ # \{trace_id="([0-9a-f]{32})",span_id="([0-9a-f]{16})"\} \S+ \S+$/gm)].map((m) => ({ sample: m[1], labels: m[2], traceId: m[3], spanId: m[4] }));
    const bySpan = new Map(Object.values(answers).map((a) => [a.trace.spanId, a]));
    expect(exemplars.length, openMetrics).to.be.greaterThan(0);
    for (const e of exemplars) {
      const request = bySpan.get(e.spanId);
      expect(request, `exemplar span ${e.spanId} is one of our requests`).not.to.equal(undefined);
      expect(e.traceId).to.equal(request!.trace.traceId);
      expect(stopLine(e.traceId)?.span_id).to.equal(e.spanId);
      expect(receiver.spans.some((s) => s.traceId === e.traceId && s.spanId === e.spanId)).to.equal(true);
    }
    // The /users/:id durations (two requests) have a bucket exemplar from one of those two (the latest in its bucket).
    const users = [answers.continued.trace.traceId, answers.notFound.trace.traceId];
    expect(exemplars.some((e) => e.sample === 'http_server_request_duration_seconds_bucket' && e.labels.includes('route="/users/:id"') && users.includes(e.traceId))).to.equal(true);
    // The classic text format carries none.
    expect(metricsText).not.to.contain('trace_id=');
  });

  it('stops on SIGTERM with one telemetry.shutdown(): the server first, then every part, and exits on its own', async () => {
    const { code } = await exit;
    expect(code, stderr).to.equal(0);
    expect(stdout).to.match(/stopped: http-server, logger(-\d+)?, otel-bridge(-\d+)?, otel-provider, health-monitor, prometheus-reporter, hdr-aggregator\n$/);
  });
});
