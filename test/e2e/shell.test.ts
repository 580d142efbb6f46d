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

  it.each(['light', 'dark'] as const)('shows the first-run welcome from the real backend (%s)', async (colorScheme) => {
    const page = await browser.newPage({ colorScheme });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(app.url);
    await expect.poll(() => page.getByRole('heading', { name: 'Welcome to Homing' }).count(), { timeout: 15_000 }).toBe(1);
    // The settings dialog opens from it, on the new-account step.
    await page.getByRole('button', { name: 'Add your mail account' }).click();
    await expect.poll(() => page.getByRole('dialog', { name: 'Accounts' }).getByRole('heading', { name: 'Add a mail account' }).count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('serves the app page with its CSP: no inline script, no remote script, frames only for messages', async () => {
    const response = await fetch(app.url.replace(/#.*$/, ''));
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval|http)/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('refuses a bridge connection without the token', async () => {
    const page = await browser.newPage();
    await page.goto(app.url.replace(/#.*$/, '#token=wrong'));
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/not reachable|closed/);
    await page.close();
  });
});
