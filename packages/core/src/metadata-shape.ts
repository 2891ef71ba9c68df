import { codeGeneration } from './codegen.js';
import type { Metadata } from './event-name.js';

/** Shapes one process compiles (start-metadata literals and their end merges); frozen metadata of other key lists is copied generically. */
export const MAX_SHAPES = 128;
/** Keys a shape may have (besides the ids). */
export const MAX_SHAPE_KEYS = 16;
/** Added-metadata objects one shape compiles end merges for (up to four each, one per set of ids). */
const MAX_MERGES = 8;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const IDS = new Set(['spanId', 'parentSpanId', 'correlationId', '__proto__']);

type Build = (spanId: number, parentSpanId: number | undefined, correlationId: string | undefined, md: Metadata) => Record<string, unknown>;
type Merge = (start: Record<string, unknown>, added: Metadata) => Record<string, unknown> | undefined;

/**
 * The key list of a caller's start metadata that is frozen (so its keys, values and symbols can
 * never change) and plain (Object.prototype, own enumerable identifier keys, no symbol keys, no
 * id keys): a span's start metadata is built from it by a literal made for those keys, and its
 * end metadata merged with frozen added metadata by a literal made for both key lists, instead of
 * `{ spanId, ...md }` (~13 ns a key in V8 11) and `Object.assign({}, startMeta, added)` (~85-100
 * ns for 4 + 1 keys). Measured: bench/notes/core.md (issue 11, session 3).
 *
 * The merge runs only after a for-in over the start metadata found exactly the keys it was built
 * with and `Object.getOwnPropertySymbols` found none (so keys a start handler added, deleted or
 * hid get Object.assign's copy), and reads the values from the start metadata (so values a
 * handler changed are carried): exactly Object.assign's result. The symbol check is ~60 ns of it:
 * without it (a symbol-keyed property a start handler added would be dropped) a frozen dispatch's
 * start + stop measured ~0.5x the generic copy, with it ~0.83x (bench/notes/core.md).
 */
export class MetadataShape {
  readonly keys: readonly string[];
  readonly build: Build;
  /** The added metadata last merged and its merges by ids present (index: parent 2 + correlation 1). */
  #lastAdded: Metadata | undefined = undefined;
  #lastMerges: (Merge | undefined)[] = [];
  /** Merges by added metadata object (frozen, so its keys never change); bounded. */
  readonly #byAdded = new Map<Metadata, (Merge | undefined)[]>();

  constructor(keys: readonly string[], build: Build) {
    this.keys = keys;
    this.build = build;
  }

  /** `Object.assign({}, start, added)` through a literal, or undefined where that would not be exact (then the caller copies). */
  merge(start: Record<string, unknown>, added: Metadata): Record<string, unknown> | undefined {
    let merges = this.#lastMerges;
    if (added !== this.#lastAdded) {
      const known = this.#byAdded.get(added);
      if (known === undefined) {
        if (this.#byAdded.size >= MAX_MERGES || plainKeys(added) === undefined) return undefined;
        merges = [];
        this.#byAdded.set(added, merges);
      } else merges = known;
      this.#lastAdded = added;
      this.#lastMerges = merges;
    }
    const parent = start.parentSpanId !== undefined;
    const corr = start.correlationId !== undefined;
    const variant = (parent ? 2 : 0) + (corr ? 1 : 0);
    let merge = merges[variant];
    if (merge === undefined) {
      merge = buildMerge([...idKeys(parent, corr), ...this.keys], plainKeys(added) as readonly string[]);
      merges[variant] = merge;
    }
    return merge(start, added);
  }
}

const shapes = new Map<string, MetadataShape>();

/** The shape of `md` if it is frozen and plain (see MetadataShape), else undefined. */
export function shapeOf(md: Metadata): MetadataShape | undefined {
  const keys = plainKeys(md);
  if (keys === undefined || keys.length > MAX_SHAPE_KEYS) return undefined;
  const id = keys.join(',');
  let shape = shapes.get(id);
  if (shape === undefined) {
    if (shapes.size >= MAX_SHAPES || !codeGeneration()) return undefined;
    shape = new MetadataShape(keys, buildStart(keys));
    shapes.set(id, shape);
  }
  return shape;
}

// Own enumerable identifier keys of a frozen plain object with no symbol keys; undefined otherwise.
function plainKeys(md: Metadata): readonly string[] | undefined {
  if (!Object.isFrozen(md) || Object.getPrototypeOf(md) !== Object.prototype) return undefined;
  if (Object.getOwnPropertySymbols(md).length !== 0) return undefined;
  const names = Object.getOwnPropertyNames(md);
  const keys = Object.keys(md);
  if (names.length !== keys.length || keys.length > MAX_SHAPE_KEYS) return undefined;
  for (const k of keys) if (!IDENTIFIER.test(k) || IDS.has(k)) return undefined;
  return Object.freeze(keys);
}

function idKeys(parent: boolean, corr: boolean): string[] {
  return ['spanId', ...(parent ? ['parentSpanId'] : []), ...(corr ? ['correlationId'] : [])];
}

// The start metadata literal for each set of ids, as openSpan's spread would order it.
function buildStart(keys: readonly string[]): Build {
  const rest = keys.map((k) => `${k}: md.${k}`).join(', ');
  const tail = rest === '' ? '' : `, ${rest}`;
  return new Function(
    'spanId',
    'parentSpanId',
    'correlationId',
    'md',
    `return parentSpanId === undefined
  ? (correlationId === undefined ? { spanId${tail} } : { spanId, correlationId${tail} })
  : (correlationId === undefined ? { spanId, parentSpanId${tail} } : { spanId, parentSpanId, correlationId${tail} });`,
  ) as Build;
}

// Object.assign({}, s, a)'s result as a literal, after a for-in over s found exactly `startKeys`.
function buildMerge(startKeys: readonly string[], addedKeys: readonly string[]): Merge {
  const fromAdded = new Set(addedKeys);
  const props = [...startKeys, ...addedKeys.filter((k) => !startKeys.includes(k))].map((k) => `${k}: ${fromAdded.has(k) ? 'a' : 's'}.${k}`);
  return new Function(
    'K',
    'symbols',
    `return function merge(s, a) {
let i = 0;
for (const k in s) if (k !== K[i++]) return undefined;
if (i !== ${startKeys.length} || symbols(s).length !== 0) return undefined;
return { ${props.join(', ')} };
};`,
  )(Object.freeze([...startKeys]), Object.getOwnPropertySymbols) as Merge;
}
