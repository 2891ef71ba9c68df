import type { EmittedEvent } from './emitted-events.js';

// docs/events.md as data: `## @rx-telemetry/<pkg>` sections, each with `### ` headings naming its
// events in backticks: `['a', 'b']`, `['a', 'b', 'start' | 'stop']` (one event per alternative),
// several per heading (`['a', 'x']` and `['a', 'y']`). A segment without a quoted literal
// (`...prefix`) makes the heading a pattern (core's span shapes), not an event name.

export interface DocumentedEvent {
  readonly key: string;
  readonly name: readonly string[];
  /** The `## ` section it is listed under, e.g. '@rx-telemetry/core'. */
  readonly section: string;
  /** 1-based line of its heading. */
  readonly line: number;
  /** The heading's text up to the next heading, plus its section's text before the first `### `. */
  readonly text: string;
}

/** Expands one backticked name (`['a', 'b' | 'c']`) into names; undefined for a pattern. */
export function expandEventName(code: string): string[][] | undefined {
  const inner = /^\[(.*)\]$/s.exec(code.trim())?.[1];
  if (inner === undefined) return undefined;
  let names: string[][] = [[]];
  for (const segment of inner.split(',')) {
    const alternatives = [...segment.matchAll(/'([^']*)'|"([^"]*)"/g)].map((m) => m[1] ?? m[2]!);
    if (alternatives.length === 0 || segment.replace(/'[^']*'|"[^"]*"|\|/g, '').trim() !== '') return undefined;
    names = names.flatMap((prefix) => alternatives.map((a) => [...prefix, a]));
  }
  return names;
}

/** Every event name docs/events.md lists in a `### ` heading (patterns left out). */
export function documentedEvents(markdown: string): DocumentedEvent[] {
  const lines = markdown.split('\n');
  const out: DocumentedEvent[] = [];
  let fenced = false;
  let section = '';
  let preamble: string[] = [];
  let heading: { names: string[][]; line: number; body: string[] } | undefined;
  const close = (): void => {
    if (heading === undefined) return;
    const text = [...preamble, ...heading.body].join('\n');
    for (const name of heading.names) out.push({ key: name.join('.'), name, section, line: heading.line, text });
    heading = undefined;
  };
  lines.forEach((raw, i) => {
    if (/^\s*```/.test(raw)) fenced = !fenced;
    const h2 = !fenced && /^## (?!#)(.*)$/.exec(raw);
    const h3 = !fenced && /^### (?!#)(.*)$/.exec(raw);
    if (h2) {
      close();
      section = h2[1]!.trim();
      preamble = [];
    } else if (h3) {
      close();
      const names = [...h3[1]!.matchAll(/`([^`]*)`/g)].flatMap((m) => expandEventName(m[1]!) ?? []);
      heading = { names, line: i + 1, body: [raw] };
    } else if (heading !== undefined) heading.body.push(raw);
    else preamble.push(raw);
  });
  close();
  return out;
}

export interface EventsDocReport {
  /** Emitted, and no heading lists it: `a.b.c (packages/x/src/file.ts:12)`. */
  readonly undocumented: readonly string[];
  /** Listed, but not under the section of any package that emits it. */
  readonly misplaced: readonly string[];
  /** A measurement or metadata key written at an emit that the event's text never mentions. */
  readonly missingKeys: readonly string[];
  /** Listed in a heading, emitted by no package. */
  readonly notEmitted: readonly string[];
}

/** Compares what the packages emit with what the doc lists; `packageNames` maps folder → name. */
export function compareEventsWithDoc(
  emitted: readonly EmittedEvent[],
  documented: readonly DocumentedEvent[],
  packageNames: ReadonlyMap<string, string>,
): EventsDocReport {
  const byKey = new Map<string, DocumentedEvent[]>();
  for (const d of documented) byKey.set(d.key, [...(byKey.get(d.key) ?? []), d]);
  const emittedKeys = new Set(emitted.map((e) => e.key));
  const undocumented: string[] = [];
  const misplaced: string[] = [];
  const missingKeys: string[] = [];
  for (const e of emitted) {
    const docs = byKey.get(e.key);
    if (docs === undefined) {
      undocumented.push(`${e.key} (${e.sites[0]})`);
      continue;
    }
    const sections = e.packages.map((p) => packageNames.get(p) ?? p);
    if (!docs.some((d) => sections.includes(d.section))) {
      misplaced.push(`${e.key}: listed under ${docs.map((d) => d.section).join(', ')}, emitted by ${sections.join(', ')}`);
    }
    const text = docs.map((d) => d.text).join('\n');
    const mentions = (k: string): boolean => new RegExp(`(^|[^A-Za-z0-9_$])${k.replace(/[$]/g, '\\$')}([^A-Za-z0-9_$]|$)`, 'm').test(text);
    for (const [kind, keys] of [['measurement', e.measurements], ['metadata', e.metadata]] as const) {
      for (const k of keys) if (!mentions(k)) missingKeys.push(`${e.key}: ${kind} '${k}' (${e.sites.join(', ')})`);
    }
  }
  const notEmitted = documented.filter((d) => !emittedKeys.has(d.key)).map((d) => `${d.key} (docs/events.md:${d.line}, ${d.section})`);
  return { undocumented, misplaced, missingKeys, notEmitted };
}
