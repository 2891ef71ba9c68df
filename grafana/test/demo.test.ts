// The dashboards and rules against the real demo (`npm run demo -- --duration <s> --port <p>`, on
// Dawn: lavapipe on GPU-less machines), scraped by the shipped prometheus.yml with the shipped rules.
// Every panel query and recording rule must return data and every metric they name must be declared
// by the demo's /metrics. A healthy demo never loses its device, so RxDeviceLost's inputs are only
// checked by name (its firing is covered by the fixture suite and by rules.test.yml).
import { fileURLToPath } from 'node:url';
import { startService } from './lib/live.js';
import { describeLive } from './lib/live-suite.js';

const demo = fileURLToPath(new URL('../../../examples/demo/dist/main.js', import.meta.url));

describeLive('dashboards and rules against the running demo', {
  strict: false,
  quietAlerts: ['RxDeviceLost'],
  start: () => startService('demo', demo, 600, ['--rate', '20']),
});
