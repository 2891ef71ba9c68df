import { expect } from 'chai';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { PrometheusReporter } from '@rx-telemetry/prometheus';
import { fixture, type Fixture } from './fixture.js';
import { launchOrSkip } from './browser.js';
import { until } from './http.js';

interface ChartSummary {
  title: string;
  lines: number;
  points: number;
  nonZero: number;
  canvas: boolean;
}
/** The page's test hook (page/app.js); the tests compile without the DOM library. */
declare const window: { rxLivePage?: { charts(): ChartSummary[] } };

const screenshot = fileURLToPath(new URL('./live-page.png', import.meta.url));

describe('the live page in headless Chromium', function () {
  this.timeout(60_000);
  let f: Fixture;
  let browser: Browser;
  let tab: Page;
  const errors: string[] = [];

  before(async function () {
    browser = await launchOrSkip(this);
    f = await fixture({ alertThresholdMs: 50 });
    const reporter = new PrometheusReporter(f.bus, { aggregator: f.aggregator });
    const { url } = await reporter.listen({ port: 0, routes: f.page.routes });
    for (let s = 0; s < 10; s++) await f.second(20, s < 6 ? 20 : 90);
    await until(() => f.alerts.active().some((a) => a.status === 'firing'), 'an alert to fire');
    f.page.tick();
    tab = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    tab.on('pageerror', (e) => errors.push(e.message));
    tab.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    await tab.goto(`${url}/`);
    await tab.waitForFunction(() => (window.rxLivePage?.charts().length ?? 0) > 0);
  });
  after(async () => {
    await browser?.close();
    await f?.bus.shutdown();
  });

  it('renders every chart with non-zero data from the server-side history', async () => {
    const charts = await tab.evaluate(() => window.rxLivePage!.charts());
    expect(charts.map((c) => c.title)).to.deep.equal(['Job latency', 'Jobs finished', 'Jobs failed', 'Queue depth', 'GPU vs CPU']);
    for (const c of charts) expect(c, c.title).to.include({ canvas: true }).and.satisfy((x: ChartSummary) => x.lines > 0 && x.nonZero > 0);
  });

  it('adds the points that arrive over server-sent events', async () => {
    const before = (await tab.evaluate(() => window.rxLivePage!.charts()))[0].points;
    await f.second(20, 90);
    await tab.waitForFunction((n) => window.rxLivePage!.charts()[0].points > n, before);
  });

  it('shows the firing alert in the alert table', async () => {
    const rows = await tab.locator('#alerts tbody tr.firing').allTextContents();
    expect(rows.length).to.be.at.least(1);
    expect(rows[0]).to.match(/^firingSlowJobskind=(crop|resize)/);
  });

  it('links an exception to its job’s trace, drawn as a waterfall', async () => {
    const link = tab.locator('#exceptions tbody a').first();
    const id = await link.textContent();
    await link.click();
    await tab.locator('#trace').waitFor({ state: 'visible' });
    expect(await tab.locator('#trace-title').textContent()).to.equal(`trace of ${id}`);
    expect(await tab.locator('#trace-body .row .name.error').count()).to.be.at.least(1);
    await tab.locator('#trace-close').click();
  });

  it('saves a screenshot of the page, with no error in its console', async () => {
    await tab.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).to.be.above(20_000);
    expect(errors).to.deep.equal([]);
  });
});
