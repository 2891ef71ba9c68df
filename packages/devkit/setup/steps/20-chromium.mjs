// Set-up step for @rx-telemetry/live-page's end-to-end test: Debian's Chromium, driven headless
// by playwright-core (which downloads no browser of its own). Idempotent: nothing happens when
// /usr/bin/chromium exists. Outside CI a failed install only warns (the page test then skips
// with a reason); in CI it fails the set-up, so the page test cannot be skipped silently.
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

export default async function chromium({ step, run, ci }) {
  if (existsSync(CHROMIUM)) return;
  step('installing chromium (Debian) for the live page test');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (...args) => {
    const [cmd, ...rest] = [...sudo, 'apt-get', ...args];
    run(cmd, rest, { env });
  };
  try {
    apt('update', '-qq');
    apt('install', '-y', '-qq', '--no-install-recommends', 'chromium');
    if (!existsSync(CHROMIUM)) throw new Error(`apt-get install chromium left no ${CHROMIUM}`);
    step(`chromium ready: ${CHROMIUM}`);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    if (ci) throw new Error(`[setup] chromium is required in CI: ${why}`);
    step(`chromium unavailable (${why}); the live page's browser test will be skipped`);
  }
}
