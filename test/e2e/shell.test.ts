import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, resultsDir } from '../helpers/chromium';
import { type DevWeb, startDevWeb } from '../helpers/dev-web';

describe('the app shell in Chromium, over the test bridge', () => {
  let browser: Browser;
  let app: DevWeb;

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    app = await startDevWeb(mkdtempSync(join(tmpdir(), 'homing-e2e-')));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it.each(['light', 'dark'] as const)('shows the empty state from the real backend (%s)', async (colorScheme) => {
    const page = await browser.newPage({ colorScheme });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(app.url);
    await expect.poll(() => page.getByRole('heading', { name: 'No accounts yet' }).count()).toBe(1);
    await page.screenshot({ path: join(resultsDir, `empty-${colorScheme}.png`) });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses a bridge connection without the token', async () => {
    const page = await browser.newPage();
    await page.goto(app.url.replace(/#.*$/, '#token=wrong'));
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/not reachable|closed/);
    await page.close();
  });
});
