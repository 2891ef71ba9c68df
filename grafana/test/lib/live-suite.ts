// The live checks, one mocha test per dashboard query, variable and rule, run against a service (the
// demo or the fixture) scraped by the shipped Prometheus configuration with the shipped rules.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { problemsOf, type Known } from './check.js';
import { loadDashboards, prometheusDir, queries } from './dashboards.js';
import { startShippedPrometheus, type LivePrometheus, type Service } from './live.js';
import { resolveVariables, substitutions, type Resolved } from './variables.js';

/** Rule names as rules.yml lists them (the expressions come from the running Prometheus). */
export function ruleNames(): { records: string[]; alerts: string[] } {
  const text = readFileSync(join(prometheusDir, 'rules.yml'), 'utf8');
  return {
    records: [...text.matchAll(/^\s*- record: (\S+)$/gm)].map((m) => m[1] as string),
    alerts: [...text.matchAll(/^\s*- alert: (\S+)$/gm)].map((m) => m[1] as string),
  };
}

export interface LiveOptions {
  readonly start: () => Promise<Service>;
  /**
   * The fixture: every metric named anywhere has series and every alert reaches pending or firing.
   * The demo: names are checked against its /metrics, and each expression must return data.
   */
  readonly strict: boolean;
  /** Alerts whose inputs a healthy service never produces (a device loss): their names are checked, not their series. */
  readonly quietAlerts?: readonly string[];
}

export interface LiveContext {
  service: Service;
  prometheus: LivePrometheus;
  known: Known;
  variables: Map<string, Resolved>;
}

export function describeLive(title: string, options: LiveOptions, more?: (ctx: () => LiveContext) => void): void {
  const dashboards = loadDashboards();
  const rules = ruleNames();
  describe(title, function () {
    this.timeout(120_000);
    let ctx: LiveContext | undefined;
    const get = (): LiveContext => {
      if (ctx === undefined) throw new Error('the live set-up did not start');
      return ctx;
    };
    const check = { eachSelector: options.strict, timeoutMs: 15_000 };

    before(async function () {
      this.timeout(180_000);
      const service = await options.start();
      const prometheus = await startShippedPrometheus(service.host).catch(async (e: unknown) => {
        await service.stop();
        throw e;
      });
      ctx = { service, prometheus, known: { families: await service.families(), records: new Set(rules.records) }, variables: new Map() };
      const up = await prometheus.waitForData('up{job="rx-demo"} == 1', 20_000);
      if (up.length === 0) throw new Error(`Prometheus never scraped ${service.url}: ${await prometheus.targets()}`);
      // Rates and recorded series need a few scrapes and evaluations: wait for the last recording rule.
      await prometheus.waitForData(rules.records.at(-1) as string, 30_000);
      for (const { file, dashboard } of dashboards) ctx.variables.set(file, await resolveVariables(prometheus, dashboard));
    });

    after(async () => {
      await ctx?.prometheus.stop();
      await ctx?.service.stop();
    });

    it('is scraped by the shipped prometheus.yml as job rx-demo', async () => {
      const [up] = await get().prometheus.query('up{job="rx-demo"}');
      expect(up?.metric.instance).to.equal(get().service.host);
      expect(up?.value[1]).to.equal('1');
    });

    for (const { file, dashboard } of dashboards) {
      describe(file, () => {
        for (const v of dashboard.templating.list.filter((x) => x.type === 'query' || x.type === 'custom')) {
          it(`variable $${v.name} lists values`, () => {
            expect(get().variables.get(file)?.get(v.name), `$${v.name}`).to.have.length.greaterThan(0);
          });
        }
        for (const q of queries(file, dashboard)) {
          it(`${q.where} returns data`, async () => {
            const problems: string[] = [];
            for (const expr of substitutions(q.expr, get().variables.get(file) as Resolved)) {
              problems.push(...(await problemsOf(get().prometheus, expr, get().known, check)));
            }
            expect(problems).to.deep.equal([]);
          });
        }
      });
    }

    describe('rules.yml', () => {
      it('Prometheus loaded every rule of rules.yml', async () => {
        const loaded = (await get().prometheus.rules()).map((r) => r.name).sort();
        expect(loaded).to.deep.equal([...rules.records, ...rules.alerts].sort());
      });
      for (const name of rules.records) {
        it(`recording rule ${name} evaluates and records series`, async () => {
          const rule = (await get().prometheus.rules()).find((r) => r.name === name);
          expect(rule?.health, rule?.lastError).to.equal('ok');
          expect(await problemsOf(get().prometheus, rule?.query ?? '', get().known, check)).to.deep.equal([]);
          expect(await get().prometheus.waitForData(name, 15_000)).to.have.length.greaterThan(0);
        });
      }
      for (const name of rules.alerts) {
        const quiet = options.quietAlerts?.includes(name) === true;
        it(`alerting rule ${name} evaluates${quiet ? ' and names only declared metrics' : ' and every metric it reads has series'}`, async () => {
          const rule = (await get().prometheus.rules()).find((r) => r.name === name);
          expect(rule?.health, rule?.lastError).to.equal('ok');
          // The condition is false in a healthy service: check the metrics it reads, not its result.
          expect(await problemsOf(get().prometheus, rule?.query ?? '', get().known, { ...check, eachSelector: !quiet, wholeExpression: false })).to.deep.equal([]);
        });
        if (options.strict) {
          it(`alerting rule ${name} goes pending or firing on the fixture's failures`, async () => {
            const [alert] = await get().prometheus.waitForData(`ALERTS{alertname="${name}"}`, 15_000);
            expect(alert?.metric.alertstate).to.be.oneOf(['pending', 'firing']);
          });
        }
      }
    });

    more?.(get);
  });
}
