// Takes the README's screenshot of the live page: runs the demo, waits until the error-burst alert
// is firing and every chart has data, and saves a full-page screenshot.
//   node examples/demo/dist/test/screenshot.js docs/screenshot.png [seconds into the run, default 26]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const [out = 'screenshot.png', at = '26'] = process.argv.slice(2);
const main = fileURLToPath(new URL('../main.js', import.meta.url));
const child = spawn(process.execPath, [main, '--port', '0', '--duration', String(Number(at) + 20)], { stdio: ['ignore', 'pipe', 'inherit'] });
let stdout = '';
child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
while (!/^page\s+(http\S+)\//m.test(stdout)) await new Promise((r) => setTimeout(r, 100));
const url = /^page\s+(http\S+)\//m.exec(stdout)![1];
const t0 = Date.now();
while (!/^\[\d+ s\] jobs/m.test(stdout)) await new Promise((r) => setTimeout(r, 100));
await new Promise((r) => setTimeout(r, Math.max(0, Number(at) * 1000 - (Date.now() - t0))));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await tab.goto(`${url}/`);
await tab.waitForFunction(() => ((globalThis as unknown as { rxLivePage?: { charts(): { nonZero: number }[] } }).rxLivePage?.charts() ?? []).every((c) => c.nonZero > 0));
await tab.screenshot({ path: out, fullPage: true });
await browser.close();
child.kill('SIGINT');
console.log(`saved ${out} from ${url}/ at ${at} s`);
