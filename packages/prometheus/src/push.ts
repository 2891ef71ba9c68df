export interface PushOptions {
  /** The Pushgateway, e.g. 'http://127.0.0.1:9091'. */
  readonly url: string;
  readonly job: string;
  readonly grouping?: Readonly<Record<string, string>>;
}

const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

// Pushgateway path segments: a value with '/' (or an empty one) goes base64url-encoded.
function segment(name: string, value: string): string {
  if (value === '' || value.includes('/')) {
    const b64 = Buffer.from(value).toString('base64url');
    return `${name}@base64/${b64 === '' ? '=' : b64}`;
  }
  return `${name}/${encodeURIComponent(value)}`;
}

/** The grouping key URL: /metrics/job/<job>[/<label>/<value>…]. */
export function pushUrl(options: PushOptions): string {
  if (options === null || typeof options !== 'object') throw new TypeError('push: options must be an object');
  const { url, job, grouping = {} } = options;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new TypeError(`push: url must be an http(s) URL, got ${String(url)}`);
  if (typeof job !== 'string' || job.length === 0) throw new TypeError('push: job must be a non-empty string');
  let path = `/metrics/${segment('job', job)}`;
  for (const [k, v] of Object.entries(grouping)) {
    if (!LABEL.test(k) || k === 'job') throw new TypeError(`push: grouping label ${JSON.stringify(k)} is not a valid label name`);
    if (typeof v !== 'string') throw new TypeError(`push: grouping value of ${JSON.stringify(k)} must be a string`);
    path += `/${segment(k, v)}`;
  }
  return url.replace(/\/+$/, '') + path;
}

/** PUTs the text exposition (replacing the group); rejects with the gateway's answer on non-2xx. */
export async function pushText(body: string, options: PushOptions): Promise<void> {
  const target = pushUrl(options);
  const res = await fetch(target, {
    method: 'PUT',
    headers: { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`push to ${target} failed: ${res.status} ${text.trim()}`);
}
