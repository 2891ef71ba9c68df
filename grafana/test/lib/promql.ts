// The metric names a PromQL expression selects, found by a small tokenizer (Prometheus 2.42 has no
// parse endpoint): identifiers that are not functions, aggregations, keywords, label lists, label
// matchers, ranges or numbers, plus `{__name__="..."}` matchers (`=~` ones: namePatterns). Enough for our dashboards and rules;
// unit-tested in promql.test.ts.

const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile']);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'atan2']);
/** Keywords followed by a parenthesised list of label names. */
const LABEL_LISTS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/** Skips from `open` at `i` to just past its matching `close`, ignoring brackets inside strings. */
function skipBalanced(s: string, i: number, open: string, close: string): number {
  let depth = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'" || c === '`') i = skipString(s, i) - 1;
    else if (c === open) depth++;
    else if (c === close && --depth === 0) return i + 1;
  }
  throw new SyntaxError(`unbalanced ${open}${close} in ${s}`);
}

function skipString(s: string, i: number): number {
  const quote = s[i];
  for (i++; i < s.length; i++) {
    if (s[i] === '\\' && quote !== '`') i++;
    else if (s[i] === quote) return i + 1;
  }
  throw new SyntaxError(`unterminated string in ${s}`);
}

/** `__name__="x"` (equality only) inside a `{...}` matcher list. */
function nameMatcher(block: string): string | undefined {
  return /__name__\s*=\s*"([^"]+)"/.exec(block)?.[1];
}

/** The patterns of `{__name__=~"..."}` matchers in `expr` (anchored, as Prometheus applies them). */
export function namePatterns(expr: string): RegExp[] {
  return [...expr.matchAll(/__name__\s*=~\s*"([^"]+)"/g)].map((m) => new RegExp(`^(?:${m[1] as string})$`));
}

/** Every metric name `expr` selects, in order of appearance, without duplicates. */
export function selectorNames(expr: string): string[] {
  const names: string[] = [];
  const add = (n: string): void => {
    if (!names.includes(n)) names.push(n);
  };
  const s = expr;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(s, i);
    } else if (c === '{') {
      const end = skipBalanced(s, i, '{', '}');
      const name = nameMatcher(s.slice(i, end));
      if (name !== undefined) add(name);
      i = end;
    } else if (c === '[') {
      i = skipBalanced(s, i, '[', ']');
    } else if (c === '#') {
      const nl = s.indexOf('\n', i);
      i = nl === -1 ? s.length : nl;
    } else if (/[0-9.]/.test(c)) {
      i += /^[0-9.]+(?:[eE][+-]?[0-9]+)?[a-zA-Z]*/.exec(s.slice(i))?.[0].length ?? 1;
    } else if (/[a-zA-Z_:]/.test(c)) {
      const word = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(s.slice(i))?.[0] as string;
      i += word.length;
      const rest = s.slice(i).trimStart();
      const lower = word.toLowerCase();
      if (LABEL_LISTS.has(lower)) {
        if (rest.startsWith('(')) i = skipBalanced(s, s.indexOf('(', i), '(', ')');
      } else if (rest.startsWith('(') || AGGREGATIONS.has(lower) || KEYWORDS.has(lower)) {
        // a function call, an aggregation (its `by (...)` may come first) or a keyword
      } else {
        add(word);
      }
    } else {
      i++;
    }
  }
  return names;
}
