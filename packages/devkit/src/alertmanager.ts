import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, httpOk, startPeer, tempDir, type PeerProcess } from './peer-process.js';

export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

/** A real Alertmanager on 127.0.0.1 with a throwaway config and storage. */
export interface AlertmanagerPeer {
  readonly url: string;
  readonly port: number;
  readonly process: PeerProcess;
  /** The alerts its API v2 lists now (`GET /api/v2/alerts`). */
  alerts(): Promise<AlertmanagerAlert[]>;
  /** Stops it by PID and removes its directory. */
  stop(): Promise<void>;
}

/** The parts of Alertmanager's `gettableAlert` the tests read. */
export interface AlertmanagerAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly status: { readonly state: 'active' | 'suppressed' | 'unprocessed' };
}

export interface AlertmanagerOptions {
  readonly binary?: string;
  /**
   * A 127.0.0.1 URL Alertmanager sends its notifications to (its webhook receiver, firing and
   * resolved, grouped by alertname, flushed every second); without it notifications go nowhere.
   */
  readonly webhookUrl?: string;
}

// The smallest routing tree: one receiver, short group timers so tests see notifications quickly.
function configText(webhookUrl: string | undefined): string {
  const receiver =
    webhookUrl === undefined ? '  - name: main\n' : `  - name: main\n    webhook_configs:\n      - url: ${JSON.stringify(webhookUrl)}\n        send_resolved: true\n`;
  return `route:\n  receiver: main\n  group_by: [alertname]\n  group_wait: 0s\n  group_interval: 1s\n  repeat_interval: 1h\nreceivers:\n${receiver}`;
}

/**
 * Starts Debian's `prometheus-alertmanager` listening only on 127.0.0.1 (`--cluster.listen-address=`
 * turns the gossip port off). A missing binary or a peer that never gets ready throws.
 *
 * ```ts
 * const am = await startAlertmanager();
 * try { console.log(await am.alerts()); } finally { await am.stop(); }
 * ```
 */
export async function startAlertmanager(options: AlertmanagerOptions = {}): Promise<AlertmanagerPeer> {
  if (options.webhookUrl !== undefined && new URL(options.webhookUrl).hostname !== '127.0.0.1') {
    throw new Error(`startAlertmanager: webhookUrl must be on 127.0.0.1, got ${options.webhookUrl}`);
  }
  const dir = await tempDir('alertmanager');
  try {
    const config = join(dir.path, 'alertmanager.yml');
    await writeFile(config, configText(options.webhookUrl));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const proc = await startPeer(
      'alertmanager',
      options.binary ?? ALERTMANAGER_BIN,
      [`--config.file=${config}`, `--storage.path=${join(dir.path, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'],
      { ready: () => httpOk(`${url}/-/ready`) },
    );
    return {
      url,
      port,
      process: proc,
      async alerts() {
        const res = await fetch(`${url}/api/v2/alerts`, { signal: AbortSignal.timeout(2000) });
        if (!res.ok) throw new Error(`alertmanager: GET /api/v2/alerts answered ${res.status}: ${await res.text()}`);
        return (await res.json()) as AlertmanagerAlert[];
      },
      async stop() {
        await proc.stop();
        await dir.remove();
      },
    };
  } catch (error) {
    await dir.remove();
    throw error;
  }
}
