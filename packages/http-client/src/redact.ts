// user:password@ in any URL inside a string, up to the next character that cannot be userinfo.
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^/\s@?#]*@/gi;

/**
 * Removes credentials (`user:pass@`) from every URL in `text`, for logs, events and errors.
 *
 * ```ts
 * redact('POST https://bot:s3cret@hooks.example.com/x failed'); // 'POST https://***@hooks.example.com/x failed'
 * ```
 */
export function redact(text: string): string {
  return text.replace(USERINFO, '$1***@');
}

/**
 * How a URL is shown when its path may be a secret: scheme, host and port only, credentials
 * masked, and `/…` where a path or query was left out (Slack, Discord and Teams webhooks carry
 * their tokens in the path or query).
 *
 * ```ts
 * displayUrl('https://bot:pw@hooks.slack.com/services/T0/B0/XyZ'); // 'https://***@hooks.slack.com/…'
 * ```
 */
export function displayUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<invalid url>';
  }
  const creds = parsed.username !== '' || parsed.password !== '' ? '***@' : '';
  const rest = parsed.pathname !== '/' || parsed.search !== '' ? '/…' : '';
  return `${parsed.protocol}//${creds}${parsed.host}${rest}`;
}
