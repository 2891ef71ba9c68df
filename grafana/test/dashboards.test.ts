// The dashboards as files: importable into any Grafana (a datasource variable, no datasource uid of
// some other installation, unique panel ids, a layout that fits the 24-column grid) and holding what
// issue 10 asks for. Whether their queries return data is live-suite's job.
import { expect } from 'chai';
import { allPanels, GLOBAL_VARIABLES, loadDashboards, queries, variableQuery, variablesIn, type Dashboard } from './lib/dashboards.js';

const dashboards = loadDashboards();
const byFile = (file: string): Dashboard => dashboards.find((d) => d.file === file)?.dashboard as Dashboard;

/** Every value under a "datasource" key anywhere in the JSON. */
function datasources(node: unknown, found: unknown[] = []): unknown[] {
  if (Array.isArray(node)) for (const x of node) datasources(x, found);
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'datasource') found.push(value);
      else datasources(value, found);
    }
  }
  return found;
}

const overlaps = (a: { x: number; y: number; w: number; h: number }, b: typeof a): boolean =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe('grafana/dashboards/*.json', () => {
  it('holds the overview, the kernel drill-down and the generic dashboard, with distinct uids and titles', () => {
    expect(dashboards.map((d) => d.file)).to.deep.equal(['kernel.json', 'overview.json', 'rx-telemetry.json']);
    expect(new Set(dashboards.map((d) => d.dashboard.uid)).size).to.equal(dashboards.length);
    expect(new Set(dashboards.map((d) => d.dashboard.title)).size).to.equal(dashboards.length);
  });

  for (const { file, dashboard } of dashboards) {
    describe(file, () => {
      it('has a schemaVersion, a uid, and no id of another installation', () => {
        expect(dashboard.schemaVersion).to.be.a('number').and.at.least(36);
        expect(dashboard.uid).to.match(/^[a-zA-Z0-9_-]{1,40}$/);
        expect((dashboard as unknown as { id?: unknown }).id ?? null).to.equal(null);
      });

      it('picks its Prometheus through a datasource template variable', () => {
        const v = dashboard.templating.list.find((x) => x.type === 'datasource');
        expect(v?.name).to.equal('datasource');
        expect(v?.query).to.equal('prometheus');
      });

      it('refers to no hard-coded datasource uid or name (only ${datasource} and the built-in annotations)', () => {
        const refs = datasources(dashboard);
        expect(refs.length).to.be.greaterThan(3);
        for (const ref of refs) {
          if ((ref as { uid?: string }).uid === '-- Grafana --') continue;
          expect(ref).to.deep.equal({ type: 'prometheus', uid: '${datasource}' });
        }
        const text = JSON.stringify(dashboard);
        expect(text).not.to.contain('__inputs');
        expect(text).not.to.contain('${DS_');
      });

      it('has unique positive panel ids (rows and their panels included)', () => {
        const ids = allPanels(dashboard).map((p) => p.id);
        expect(ids.every((id) => Number.isInteger(id) && id > 0)).to.equal(true);
        expect(new Set(ids).size).to.equal(ids.length);
      });

      it('lays its panels out inside 24 columns without overlaps', () => {
        const panels = allPanels(dashboard);
        for (const p of panels) expect(p.gridPos.x + p.gridPos.w, p.title).to.be.at.most(24);
        for (const [i, a] of panels.entries()) {
          for (const b of panels.slice(i + 1)) expect(overlaps(a.gridPos, b.gridPos), `"${a.title}" overlaps "${b.title}"`).to.equal(false);
        }
      });

      it('gives every query a refId unique in its panel', () => {
        for (const p of allPanels(dashboard)) {
          const refs = (p.targets ?? []).map((t) => t.refId);
          expect(new Set(refs).size, p.title).to.equal(refs.length);
          expect(refs.every((r) => typeof r === 'string' && r !== ''), p.title).to.equal(true);
        }
      });

      it('uses only variables it defines (or Grafana\'s own) in queries and variable queries', () => {
        const defined = new Set([...dashboard.templating.list.map((v) => v.name), ...GLOBAL_VARIABLES]);
        const texts = [...queries(file, dashboard).map((q) => q.expr), ...dashboard.templating.list.filter((v) => v.type === 'query').map(variableQuery)];
        for (const text of texts) for (const name of variablesIn(text)) expect(defined.has(name), `$${name} in ${text}`).to.equal(true);
      });
    });
  }

  it('overview: p50, p95 and p99 by kernel from histogram_quantile', () => {
    const exprs = queries('overview.json', byFile('overview.json')).map((q) => q.expr);
    for (const p of ['0.5', '0.95', '0.99']) {
      expect(exprs.some((e) => e.startsWith(`histogram_quantile(${p}, sum by (kernel, le)`)), `p${p}`).to.equal(true);
    }
  });

  it('overview: covers job and kernel rate, GPU vs CPU time, error ratio, device memory, event-loop delay and alerts', () => {
    const text = queries('overview.json', byFile('overview.json')).map((q) => q.expr).join('\n');
    for (const needle of ['job:rx_demo_job:rate5m', 'job_kernel:rx_compute_kernel_dispatch_stop_count:rate5m', 'gpu_duration_seconds_sum', 'job:rx_demo_job_errors:ratio_rate5m', 'job_device:rx_compute_memory_in_use:bytes', 'rx_vm_event_loop_p99_seconds', 'ALERTS{alertstate="firing"']) {
      expect(text, needle).to.contain(needle);
    }
  });

  it('kernel: a single-value $kernel variable, and every panel query filtered on it', () => {
    const d = byFile('kernel.json');
    const v = d.templating.list.find((x) => x.name === 'kernel');
    expect(v?.multi).to.equal(false);
    expect(variableQuery(v as never)).to.match(/^label_values\(.+, kernel\)$/);
    const panelQueries = queries('kernel.json', d).filter((q) => q.where.startsWith('panel'));
    expect(panelQueries.length).to.be.greaterThan(8);
    for (const q of panelQueries) expect(q.expr, q.where).to.contain('kernel="$kernel"');
  });

  it('overview and kernel link to each other by uid', () => {
    const links = (file: string): string => JSON.stringify((byFile(file) as unknown as { links: unknown }).links);
    expect(links('overview.json')).to.contain('/d/rx-gpu-kernel/');
    expect(links('kernel.json')).to.contain('/d/rx-gpu-overview/');
  });
});
