import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from '@rx-telemetry/devkit/otlp-receiver';

// Runs the service as a child process (lavapipe on a GPU-less machine) with an OTLP/HTTP
// receiver, queries it with clean then noisy items until the similarity anomaly fires, and
// checks answers, /health, log lines, traces and the shutdown.
const main = fileURLToPath(new URL('../main.js', import.meta.url));
const ITEMS = 32;

interface Health { status: string; checks: Record<string, { status: string; detail: string }> }
interface Similar { best: number; score: number; top: { item: number; score: number }[] }


describe('examples/hdc-service', function () {
  this.timeout(40_000);
  let child: ChildProcess;
  let receiver: OtlpReceiver;
  let stdout = '';
  let stderr = '';
  let base = '';
  let code: number | null;
  const clean: { status: number; body: Similar; trace: string }[] = [];
  let healthBefore: Health;
  let healthAfter: Health;
  let errors: number[];

  const get = async (path: string): Promise<{ status: number; body: unknown; trace: string }> => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, body: await res.json(), trace: res.headers.get('traceresponse') ?? '' };
  };

  before(async () => {
    receiver = await startOtlpReceiver();
    child = spawn(process.execPath, [main, '--port', '0', '--metrics-port', '0', '--items', String(ITEMS), '--dim', '1024'], {
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exit = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not listening within 15 s:\n${stdout}\n${stderr}`)), 15_000);
      child.stdout!.on('data', (c: Buffer) => {
        stdout += c.toString();
        const m = /^hdc-service on (\S+) /m.exec(stdout);
        if (m !== null) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    healthBefore = (await get('/health')).body as Health;
    // A baseline of clean queries (5 % noise) for about a second: the anomaly rules learn it.
    for (let i = 0; i < 40; i++) {
      const r = await get(`/similar?item=${i % ITEMS}&noise=0.05`);
      clean.push({ status: r.status, body: r.body as Similar, trace: r.trace });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Noisy queries (40 %) until /health says the similarity anomaly fires, 10 s at most.
    const deadline = Date.now() + 10_000;
    do {
      await get(`/similar?item=${Math.floor(Math.random() * ITEMS)}&noise=0.4`);
      healthAfter = (await get('/health')).body as Health;
    } while (!/SimilarityDropped/.test(healthAfter.checks.alerts.detail) && Date.now() < deadline);
    errors = [(await get(`/similar?item=${ITEMS}`)).status, (await get('/similar?item=1&noise=2')).status, (await get('/nothing')).status];
    child.kill('SIGTERM');
    code = await Promise.race([exit, new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000).unref())]);
  });

  after(async () => {
    child?.kill('SIGKILL');
    await receiver?.close();
  });

  const lines = (): { msg: string; trace_id?: string; metadata: Record<string, unknown> }[] =>
    stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; trace_id?: string; metadata: Record<string, unknown> });

  it('finds the item a clean query was made from, with a cosine near 1 - 2 × noise', () => {
    for (const [i, r] of clean.entries()) {
      expect(r.status).to.equal(200);
      expect(r.body.best).to.equal(i % ITEMS);
      expect(r.body.score).to.be.within(0.8, 1);
      expect(r.body.top).to.have.length(3);
    }
  });

  it('answers a wrong item or noise with 404 / 400, and an unknown path with 404', () => {
    expect(errors).to.deep.equal([404, 400, 404]);
  });

  it('serves /health with every check on the bus: no alert at first, the similarity anomaly once queries turn noisy', () => {
    expect(Object.keys(healthBefore.checks)).to.include.members(['alerts', 'alerts.delivery', 'eventLoop', 'heap', 'handlerFailures']);
    expect(healthBefore.checks.alerts.status).to.equal('healthy');
    // (a latency anomaly may fire too on a busy machine: only the similarity one is certain)
    expect(healthAfter.checks.alerts.status).to.be.oneOf(['degraded', 'critical']);
    expect(healthAfter.checks.alerts.detail).to.match(/alert\(s\) firing: .*SimilarityDropped/);
  });

  it('logs the alert firing against its learnt baseline, and resolved at shutdown', () => {
    const alerts = lines().filter((l) => l.msg.startsWith('telemetry.alert.') && l.metadata.name === 'SimilarityDropped').map((l) => l.msg);
    expect(alerts).to.deep.equal(['telemetry.alert.fired', 'telemetry.alert.resolved']);
  });

  it('logs each request as a JSON line whose trace id is the response traceresponse and the exported trace', () => {
    const logged = new Set(lines().filter((l) => l.msg === 'http.server.request.stop').map((l) => l.trace_id));
    const exported = new Set(receiver.spans.filter((s) => s.name === 'http.server.request').map((s) => s.traceId));
    for (const r of clean) {
      const trace = r.trace.split('-')[1];
      expect(logged.has(trace) && exported.has(trace), trace).to.equal(true);
    }
  });

  it('traces a query as request > hdc.query > the kernel dispatch', () => {
    const trace = clean[0].trace.split('-')[1];
    const spans = receiver.spans.filter((s) => s.traceId === trace);
    const request = spans.find((s) => s.name === 'http.server.request')!;
    const query = spans.find((s) => s.name === 'hdc.query')!;
    const dispatch = spans.find((s) => s.name === 'compute.kernel.dispatch')!;
    expect([request.kind, query.parentSpanId, dispatch.parentSpanId]).to.deep.equal([2, request.spanId, query.spanId]);
  });

  it('stops on SIGTERM with one shutdown, the HTTP server first, and exits on its own', () => {
    expect(code, stderr).to.equal(0);
    expect(stdout).to.match(/^stopped: http-server, health-monitor, webgpu:gpu0, .*hdr-aggregator, .*logger(-\d+)?, otel-bridge(-\d+)?, otel-provider$/m);
  });
});
