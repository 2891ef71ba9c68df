import type { CheckResult, HealthCheck } from '@rx-telemetry/core';
import { isHealthStatus } from './health-report.js';

/** Runs one check; never rejects and never takes longer than `timeoutMs` (then its signal is aborted). */
export async function runCheck(name: string, check: HealthCheck, timeoutMs: number): Promise<CheckResult> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`health check ${name} timed out`));
      resolve({ status: 'critical', detail: `timed out after ${timeoutMs} ms` });
    }, timeoutMs);
  });
  const run = (async (): Promise<CheckResult> => {
    try {
      return normalize(await check(controller.signal));
    } catch (error) {
      return { status: 'critical', detail: `failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  })();
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function normalize(result: unknown): CheckResult {
  if (isHealthStatus(result)) return { status: result, detail: result };
  if (result !== null && typeof result === 'object' && isHealthStatus((result as CheckResult).status)) {
    const r = result as CheckResult;
    return { status: r.status, detail: typeof r.detail === 'string' ? r.detail : r.status, ...(typeof r.value === 'number' ? { value: r.value } : {}) };
  }
  return { status: 'critical', detail: `returned no valid status (${JSON.stringify(result)?.slice(0, 100)})` };
}
