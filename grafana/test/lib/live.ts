// The live set-up: a service exposing /metrics (the demo or the fixture) and Debian's Prometheus
// running the shipped grafana/prometheus/prometheus.yml and rules.yml, adapted only where a test must
// (1 s intervals, the service's real port, absolute rule path), all on 127.0.0.1.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, httpOk, startPeer, type PeerProcess } from '@rx-telemetry/devkit/peer-process';
import { startPrometheus, type PromSample } from '@rx-telemetry/devkit/prometheus';
import { prometheusDir } from './dashboards.js';

export interface Service {
  readonly url: string;
  readonly host: string;
  readonly peer: PeerProcess;
  /** The metric names its /metrics declares (`# TYPE`), with the series names of histograms and summaries. */
  families(): Promise<Set<string>>;
  stop(): Promise<void>;
}

/** Starts `node script --duration <s> --port <free port> ...args` and waits until /metrics answers. */
export async function startService(name: string, script: string, durationS: number, args: readonly string[] = [], timeoutMs = 60_000): Promise<Service> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  const peer = await startPeer(name, process.execPath, [script, '--duration', String(durationS), '--port', String(port), ...args], {
    ready: () => httpOk(`${url}/metrics`),
    timeoutMs,
  });
  return {
    url,
    host,
    peer,
    async families() {
      const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
      return familiesOf(text);
    },
    stop: () => peer.stop(10_000),
  };
}

/** Series names declared by an exposition's `# TYPE` lines. */
export function familiesOf(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\w+)$/gm)) {
    const [, name, type] = m as unknown as [string, string, string];
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
  }
  return names;
}

export interface PromRule {
  readonly type: 'recording' | 'alerting';
  readonly name: string;
  readonly query: string;
  readonly health: string;
  readonly lastError?: string;
  readonly state?: 'inactive' | 'pending' | 'firing';
}

export interface LivePrometheus {
  readonly url: string;
  readonly config: string;
  query(promql: string): Promise<PromSample[]>;
  /** Polls until the query returns a sample or the deadline passes; resolves the last result. */
  waitForData(promql: string, timeoutMs: number): Promise<PromSample[]>;
  /** Values of `label` over the series matching `selector` (what Grafana's label_values() lists). */
  labelValues(selector: string, label: string): Promise<string[]>;
  rules(): Promise<PromRule[]>;
  targets(): Promise<string>;
  stop(): Promise<void>;
}

/** The shipped prometheus.yml with 1 s intervals, `target` for the demo's 127.0.0.1:9464 and rules.yml by absolute path. */
export async function shippedConfig(target: string): Promise<string> {
  const shipped = await readFile(join(prometheusDir, 'prometheus.yml'), 'utf8');
  const replacements: [RegExp, string][] = [
    [/^(\s*(?:scrape_interval|scrape_timeout|evaluation_interval):) \S+$/gm, '$1 1s'],
    [/'127\.0\.0\.1:9464'/g, `'${target}'`],
    [/^(\s*)- rules\.yml$/m, `$1- ${JSON.stringify(join(prometheusDir, 'rules.yml'))}`],
  ];
  let config = shipped;
  for (const [pattern, replacement] of replacements) {
    const next = config.replace(pattern, replacement);
    if (next === config) throw new Error(`prometheus.yml no longer contains ${pattern}: adapt grafana/test/lib/live.ts`);
    config = next;
  }
  return config;
}

export async function startShippedPrometheus(target: string): Promise<LivePrometheus> {
  const config = await shippedConfig(target);
  // devkit's peer runs it (temp storage, loopback, readiness); this file adds the read API the checks need.
  const prometheus = await startPrometheus([], { config });
  const { url, query } = prometheus;
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { status: string; error?: string; data: T };
    if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? res.status}`);
    return body.data;
  };
  return {
    url,
    config,
    query,
    async waitForData(promql, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const result = await query(promql);
        if (result.length > 0 || Date.now() > deadline) return result;
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async labelValues(selector, label) {
      const series = await api<Record<string, string>[]>(`/api/v1/series?match[]=${encodeURIComponent(selector)}`);
      return [...new Set(series.map((s) => s[label]).filter((v): v is string => v !== undefined))].sort();
    },
    async rules() {
      const data = await api<{ groups: { rules: PromRule[] }[] }>('/api/v1/rules');
      return data.groups.flatMap((g) => g.rules);
    },
    async targets() {
      return JSON.stringify(await api<unknown>('/api/v1/targets'));
    },
    stop: () => prometheus.stop(),
  };
}
