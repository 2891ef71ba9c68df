import { existsSync } from 'node:fs';
import type { Context } from 'mocha';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, installed by the set-up (packages/devkit/setup/steps/20-chromium.mjs). */
export const CHROMIUM = '/usr/bin/chromium';
const CI = process.env.CI === 'true' || process.env.CI === '1';

/** Headless Chromium through playwright-core (which downloads no browser), or a skipped test outside CI. */
export async function launchOrSkip(ctx: Context): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    if (CI) throw new Error(`${CHROMIUM} is missing: the set-up installs it (npm run setup)`);
    console.warn(`      skipped: ${CHROMIUM} is missing (npm run setup installs it)`);
    ctx.skip();
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
