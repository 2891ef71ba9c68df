// Template variables resolved the way Grafana would, against the live Prometheus: label_values(),
// metrics() and custom lists, each query variable after the ones it uses.
import { variableQuery, substitute, variablesIn, type Dashboard, type Variable } from './dashboards.js';
import type { LivePrometheus } from './live.js';

/** What Grafana substitutes for `$__rate_interval` with a 2.5 s scrape interval (4 x scrape): rates need two samples. */
export const GRAFANA_GLOBALS: Readonly<Record<string, string>> = { __rate_interval: '10s', __interval: '5s', __range: '5m', __range_s: '300', __interval_ms: '5000' };

/** Every value each variable takes; a multi-value variable contributes one regex of all of them. */
export type Resolved = Map<string, string[]>;

async function valuesOf(prometheus: LivePrometheus, v: Variable, query: string): Promise<string[]> {
  if (v.type === 'custom') return query.split(',').map((s) => s.trim()).filter(Boolean);
  let m = /^label_values\((.+),\s*(\w+)\)$/.exec(query.trim());
  if (m !== null) return prometheus.labelValues(m[1] as string, m[2] as string);
  m = /^label_values\((\w+)\)$/.exec(query.trim());
  if (m !== null) return prometheus.labelValues(`{${m[1]}!=""}`, m[1] as string);
  m = /^metrics\((.+)\)$/.exec(query.trim());
  if (m !== null) {
    const pattern = new RegExp(m[1] as string);
    return (await prometheus.labelValues('{__name__=~".+"}', '__name__')).filter((n) => pattern.test(n));
  }
  throw new Error(`variable $${v.name}: query ${query} is none this test knows (label_values, metrics, custom)`);
}

/** The values of every query and custom variable of `d`, in the order the dashboard lists them. */
export async function resolveVariables(prometheus: LivePrometheus, d: Dashboard): Promise<Resolved> {
  const resolved: Resolved = new Map();
  for (const v of d.templating.list) {
    if (v.type !== 'query' && v.type !== 'custom') continue;
    // A variable used inside this one's query takes its regex of every value (what "All" means).
    const used = Object.fromEntries(variablesIn(variableQuery(v)).map((n) => [n, (resolved.get(n) ?? []).join('|')]));
    let values = await valuesOf(prometheus, v, substitute(variableQuery(v), used));
    const regex = (v as { regex?: string }).regex;
    if (regex !== undefined && regex !== '') {
      const pattern = new RegExp(regex.replace(/^\/(.*)\/$/, '$1'));
      values = values.flatMap((s) => {
        const m = pattern.exec(s);
        return m === null ? [] : [m[1] ?? m[0]];
      });
    }
    resolved.set(v.name, v.multi === true ? [values.join('|')].filter(Boolean) : values);
  }
  return resolved;
}

/** Every substitution of the variables `expr` uses: one per combination of single values. */
export function substitutions(expr: string, resolved: Resolved): string[] {
  const used = [...new Set(variablesIn(expr))].filter((n) => !(n in GRAFANA_GLOBALS));
  let combos: Record<string, string>[] = [{ ...GRAFANA_GLOBALS }];
  for (const name of used) {
    const values = resolved.get(name);
    if (values === undefined || values.length === 0) throw new Error(`$${name} has no values`);
    combos = combos.flatMap((c) => values.map((value) => ({ ...c, [name]: value })));
  }
  return combos.map((c) => substitute(expr, c));
}
