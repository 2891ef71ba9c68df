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
