import { redact } from './redact.js';

/** A TypeError for a bad handler URL, never echoing its credentials. */
export function checkUrl(url: unknown, what: string): string {
  if (typeof url !== 'string') throw new TypeError(`${what}: url must be a string`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`${what}: invalid url ${JSON.stringify(redact(url))}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`${what}: url must be http or https, got ${parsed.protocol}`);
  return url;
}
