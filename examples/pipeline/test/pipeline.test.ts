import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from '@rx-telemetry/devkit/otlp-receiver';
import { startStatsd, type StatsdPeer } from '@rx-telemetry/devkit/statsd';

// Runs the example as a child process against Etsy's StatsD daemon and an OTLP/HTTP receiver,
// scrapes its /metrics while it runs, and checks the counts, the traces and the alert.
const main = fileURLToPath(new URL('../main.js', import.meta.url));
const ITEMS = 100;
const MALFORMED = Array.from({ length: ITEMS }, (_, n) => n).filter((n) => n % 25 === 24).length;
const STAGES = ['ingest.fetcher.fetch', 'ingest.parser.parse', 'ingest.enricher.enrich', 'ingest.writer.write'];



describe('examples/pipeline', function () {
  this.timeout(30_000);
  let statsd: StatsdPeer;
  let receiver: OtlpReceiver;
  let stdout = '';
  let stderr = '';
  let code: number | null;
  let scraped = '';

  before(async () => {
    [statsd, receiver] = await Promise.all([startStatsd(), startOtlpReceiver()]);
    const child = spawn(process.execPath, [main, '--items', String(ITEMS), '--port', '0', '--statsd', `127.0.0.1:${statsd.port}`], {
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exit = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const url = await new Promise<string>((resolve) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        const m = /^metrics on (\S+); /m.exec(stdout);
        if (m !== null) resolve(m[1]);
      });
    });
    // Scrape while items flow, until the writer has written some.
    while (!/^ingest_writer_write_stop_count_total\{app="ingest"\} [1-9]/m.test(scraped) && !/^items:/m.test(stdout)) {
      scraped = await fetch(url).then((r) => r.text(), () => scraped);
      await new Promise((r) => setTimeout(r, 50));
    }
    code = await exit;
    clearTimeout(killer);
  });

  after(async () => {
    await statsd?.stop();
    await receiver?.close();
  });

  it('exits on its own with status 0, every well-formed item written', () => {
    expect(code, stderr).to.equal(0);
    expect(stdout).to.contain(`items: ${ITEMS} in, ${ITEMS - MALFORMED} written`);
  });

  it('counts runs and failures of every [app, component, operation] stage', () => {
    const ok = [ITEMS, ITEMS - MALFORMED, ITEMS - MALFORMED, ITEMS - MALFORMED];
    const failed = [0, MALFORMED, 0, 0];
    STAGES.forEach((stage, i) => expect(stdout).to.match(new RegExp(`^${stage.replace(/\./g, '\\.')} +ok ${ok[i]}, failed ${failed[i]}, p50 [\\d.]+ ms, p99 [\\d.]+ ms$`, 'm')));
  });

  it('served the stages to Prometheus while it ran', () => {
    expect(scraped).to.match(/^ingest_writer_write_stop_count_total\{app="ingest"\} [1-9]\d*$/m);
    expect(scraped).to.match(/^ingest_parser_parse_stop_duration_seconds_bucket\{app="ingest",le="0.001"\} \d+$/m);
  });

  it('sent StatsD the final counts of every stage', async () => {
    const counters = await statsd.waitFor(() => statsd.counters(), (c) => c['ingest.writer.write.stop.count'] === ITEMS - MALFORMED);
    expect({
      fetched: counters['ingest.fetcher.fetch.stop.count'],
      malformed: counters['ingest.parser.parse.exception.count'],
      written: counters['ingest.writer.write.stop.count'],
    }).to.deep.equal({ fetched: ITEMS, malformed: MALFORMED, written: ITEMS - MALFORMED });
  });

  it('exports each item as one trace across the queues: fetch, then parse, enrich, write, each the child of the one before', () => {
    const item = (s: OtlpSpan): number => Number(s.attributes?.find((a) => a.key === 'item')?.value.intValue);
    const byItem = new Map<number, OtlpSpan[]>();
    for (const s of receiver.spans) byItem.set(item(s), [...(byItem.get(item(s)) ?? []), s]);
    expect(byItem.size).to.equal(ITEMS);
    const traces = new Set<string>();
    for (const [n, spans] of byItem) {
      const chain = STAGES.map((name) => spans.find((s) => s.name === name)).filter((s) => s !== undefined);
      expect(chain.map((s) => s.name)).to.deep.equal(n % 25 === 24 ? STAGES.slice(0, 2) : STAGES);
      expect(new Set(chain.map((s) => s.traceId)).size, `item ${n}: one trace`).to.equal(1);
      expect(chain.map((s) => s.parentSpanId || undefined)).to.deep.equal([undefined, ...chain.slice(0, -1).map((s) => s.spanId)]);
      traces.add(chain[0].traceId);
    }
    expect(traces.size, 'a trace per item').to.equal(ITEMS);
  });

  it('notifies the slow-writes alert once: re-fires within the suppression interval stay on the bus', () => {
    expect(stdout.match(/^alert SlowWrites firing \(notified\)$/gm)).to.have.length(1);
    expect(Number(/alert fired (\d+) time\(s\) on the bus/.exec(stdout)?.[1])).to.be.at.least(1);
  });
});
