import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, httpOk, startPeer, tempDir, type PeerProcess } from './peer-process.js';

/** One scrape job for the generated prometheus.yml. */
export interface ScrapeTarget {
  readonly job: string;
  /** host:port, always on 127.0.0.1. */
  readonly target: string;
  readonly metricsPath?: string;
  readonly bearerToken?: string;
  readonly honorLabels?: boolean;
}

export interface PrometheusPeer {
  readonly url: string;
  readonly peer: PeerProcess;
  /** The generated configuration (for failure messages and docs). */
  readonly config: string;
  /** Instant query; returns the `data.result` vector. */
  query(promql: string): Promise<PromSample[]>;
  /** Polls `query` until `done(result)` or the deadline; throws with the last result and the targets' health. */
  waitFor(promql: string, done: (result: PromSample[]) => boolean, timeoutMs?: number): Promise<PromSample[]>;
  stop(): Promise<void>;
}

export interface PromSample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

export interface PushgatewayPeer {
  readonly url: string;
  readonly peer: PeerProcess;
  stop(): Promise<void>;
}

function yamlString(s: string): string {
  return JSON.stringify(s);
}

/** A prometheus.yml scraping `targets` every `intervalS` seconds. */
export function prometheusConfig(targets: readonly ScrapeTarget[], intervalS = 1): string {
  let yml = `global:\n  scrape_interval: ${intervalS}s\n  scrape_timeout: ${intervalS}s\n  evaluation_interval: ${intervalS}s\nscrape_configs:\n`;
  for (const t of targets) {
    yml += `  - job_name: ${yamlString(t.job)}\n`;
    if (t.metricsPath !== undefined) yml += `    metrics_path: ${yamlString(t.metricsPath)}\n`;
    if (t.honorLabels === true) yml += `    honor_labels: true\n`;
    if (t.bearerToken !== undefined) yml += `    authorization:\n      type: Bearer\n      credentials: ${yamlString(t.bearerToken)}\n`;
    yml += `    static_configs:\n      - targets: [${yamlString(t.target)}]\n`;
  }
  return yml;
}

/**
 * Starts Debian's `prometheus` on 127.0.0.1 with a temp storage dir and a generated config.
 * A missing binary is an error (tests fail, never skip).
 */
export async function startPrometheus(
  targets: readonly ScrapeTarget[],
  options: {
    intervalS?: number;
    binary?: string;
    /** More flags, e.g. `--enable-feature=exemplar-storage`. */
    extraArgs?: readonly string[];
    /** A whole prometheus.yml to run instead of one generated from `targets` (rule files by absolute path). */
    config?: string;
  } = {},
): Promise<PrometheusPeer> {
  const dir = await tempDir('prometheus');
  const config = options.config ?? prometheusConfig(targets, options.intervalS ?? 1);
  const configFile = join(dir.path, 'prometheus.yml');
  await writeFile(configFile, config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let peer: PeerProcess;
  try {
    peer = await startPeer(
      'prometheus',
      options.binary ?? '/usr/bin/prometheus',
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir.path, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
        ...(options.extraArgs ?? []),
      ],
      { ready: () => httpOk(`${url}/-/ready`), cwd: dir.path },
    );
  } catch (error) {
    await dir.remove();
    throw error;
  }
  const query = async (promql: string): Promise<PromSample[]> => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: PromSample[] } };
    if (body.status !== 'success') throw new Error(`query ${promql} failed: ${body.error ?? res.status}`);
    return body.data?.result ?? [];
  };
  return {
    url,
    peer,
    config,
    query,
    async waitFor(promql, done, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let last: PromSample[] = [];
      for (;;) {
        last = await query(promql);
        if (done(last)) return last;
        if (Date.now() > deadline) {
          const targetsRes = await fetch(`${url}/api/v1/targets`).then((r) => r.text()).catch((e: unknown) => String(e));
          throw new Error(`prometheus: ${promql} never satisfied within ${timeoutMs} ms; last ${JSON.stringify(last)}; targets ${targetsRes}\n${peer.output()}`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async stop() {
      await peer.stop();
      await dir.remove();
    },
  };
}

/** Starts Debian's `prometheus-pushgateway` on 127.0.0.1 (no persistence). */
export async function startPushgateway(options: { binary?: string } = {}): Promise<PushgatewayPeer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const peer = await startPeer('pushgateway', options.binary ?? '/usr/bin/prometheus-pushgateway', [`--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
    ready: () => httpOk(`${url}/-/ready`),
  });
  return { url, peer, stop: () => peer.stop() };
}

/** Runs a tool (promtool, python3) on stdin; resolves its exit code and output. */
export { runTool, type ToolResult } from './run-tool.js';
