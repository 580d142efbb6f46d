import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.HOMING_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Debian's Chromium driven by playwright-core (its own browser download cannot work here). The flags
 * keep it off the network: this machine refuses every connection that is not to loopback. Playwright gives
 * every launch a new, empty profile.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium); .ci/run installs it.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

// import.meta.dirname is unset when a benchmark bundles this file as CommonJS; benchmarks run from the root.
export const resultsDir = import.meta.dirname ? join(import.meta.dirname, '..', '..', 'test-results') : join(process.cwd(), 'test-results');
