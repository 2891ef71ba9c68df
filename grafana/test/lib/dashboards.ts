// Reading the dashboards in grafana/dashboards/: their panels (rows flattened), every PromQL query
// (panel targets and annotations), their template variables, and Grafana's variable substitution.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const grafanaDir = fileURLToPath(new URL('../../../', import.meta.url));
export const dashboardsDir = `${grafanaDir}dashboards/`;
export const prometheusDir = `${grafanaDir}prometheus/`;

export interface Datasource {
  readonly type?: string;
  readonly uid?: string;
}
export interface Target {
  readonly refId: string;
  readonly expr?: string;
  readonly datasource?: Datasource;
}
export interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos: { h: number; w: number; x: number; y: number };
  readonly datasource?: Datasource;
  readonly targets?: Target[];
  readonly panels?: Panel[];
}
export interface Variable {
  readonly name: string;
  readonly type: string;
  readonly query: string | { query: string };
  readonly datasource?: Datasource;
  readonly multi?: boolean;
  readonly includeAll?: boolean;
}
export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly schemaVersion: number;
  readonly panels: Panel[];
  readonly templating: { list: Variable[] };
  readonly annotations?: { list: { name: string; expr?: string; datasource?: Datasource; builtIn?: number }[] };
}

/** One PromQL query of a dashboard, named for failure messages. */
export interface Query {
  readonly dashboard: string;
  readonly where: string;
  readonly expr: string;
}

export function loadDashboards(): { file: string; dashboard: Dashboard }[] {
  return readdirSync(dashboardsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(dashboardsDir + file, 'utf8')) as Dashboard }));
}

/** Every panel, the panels of rows (collapsed or not) included. */
export function allPanels(d: Dashboard): Panel[] {
  return d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

export function queries(file: string, d: Dashboard): Query[] {
  const fromPanels = allPanels(d).flatMap((p) =>
    (p.targets ?? []).filter((t) => t.expr !== undefined).map((t) => ({ dashboard: file, where: `panel ${p.id} "${p.title}" ${t.refId}`, expr: t.expr as string })),
  );
  const fromAnnotations = (d.annotations?.list ?? [])
    .filter((a) => a.expr !== undefined)
    .map((a) => ({ dashboard: file, where: `annotation "${a.name}"`, expr: a.expr as string }));
  return [...fromPanels, ...fromAnnotations];
}

export function variableQuery(v: Variable): string {
  return typeof v.query === 'string' ? v.query : v.query.query;
}

/** Variables Grafana defines itself. */
export const GLOBAL_VARIABLES = ['__rate_interval', '__interval', '__range', '__range_s', '__interval_ms'];

/** Names of the `$x` / `${x}` / `${x:format}` / `[[x]]` variables used in `text`. */
export function variablesIn(text: string): string[] {
  return [...text.matchAll(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g)].map((m) => (m[1] ?? m[2] ?? m[3]) as string);
}

/** `text` with each variable replaced by `values[name]`; a variable without a value throws. */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (_m, a?: string, b?: string, c?: string) => {
    const name = (a ?? b ?? c) as string;
    const value = values[name];
    if (value === undefined) throw new Error(`no value for $${name} in ${text}`);
    return value;
  });
}
