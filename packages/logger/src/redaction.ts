/** Metadata keys redacted by default, wherever they sit in metadata or one object below it. */
export const DEFAULT_REDACT: readonly string[] = Object.freeze(['password', 'token', 'secret', 'authorization', 'apiKey', 'cookie']);

/**
 * The redaction plan for pino: key names become `metadata.<key>` and `metadata.*.<key>` paths;
 * entries with `.` or `[` are full pino paths, kept as they are.
 */
export interface Redaction {
  readonly paths: string[];
  /** Plain key names: lets the logger skip pino's redaction (4x the cost of a line) when none is present. */
  readonly keys: ReadonlySet<string>;
  /** True when a full path was given: its presence cannot be pre-checked, so every line is redacted. */
  readonly always: boolean;
}

export function redactionFor(entries: readonly string[]): Redaction {
  const keys = new Set<string>();
  const paths: string[] = [];
  let always = false;
  for (const entry of entries) {
    if (/[.[]/.test(entry)) {
      paths.push(entry);
      always = true;
    } else {
      keys.add(entry);
      // Bracket notation keeps keys that are not identifiers valid pino paths.
      const k = /^[A-Za-z_$][\w$]*$/.test(entry) ? `.${entry}` : `[${JSON.stringify(entry)}]`;
      paths.push(`metadata${k}`, `metadata.*${k}`);
    }
  }
  return { paths, keys, always };
}
