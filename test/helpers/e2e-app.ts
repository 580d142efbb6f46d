import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { resultsDir } from './chromium';

/** A page of the app with what went wrong in it recorded (uncaught errors, dialogs that must never open). */
export interface AppPage {
  page: Page;
  errors: string[];
  dialogs: string[];
}

export async function openApp(browser: Browser, url: string, colorScheme: 'light' | 'dark' = 'light'): Promise<AppPage> {
  const page = await browser.newPage({ colorScheme, viewport: { width: 1400, height: 860 }, acceptDownloads: true });
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(url);
  return { page, errors, dialogs };
}

/**
 * `<screen>-light.png` and `<screen>-dark.png` in test-results/: the same state in both themes (the app
 * follows prefers-color-scheme live, so one page serves both).
 */
export async function screenshotBothThemes(page: Page, screen: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    // Let the message frame re-render for the theme (its srcdoc is rebuilt) and fonts settle.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(resultsDir, `${screen}-${colorScheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

const axeSource = readFileSync(join(import.meta.dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/**
 * axe-core's serious and critical violations on the page as it is now, in both themes (contrast differs).
 * The source is evaluated through the DevTools protocol, so the app's CSP stays as strict as it ships.
 * Message frames are sandboxed without scripts, so axe cannot look inside them (`iframes: false`): the
 * frame element itself (its title) is still checked.
 */
export async function axeViolations(page: Page, options: { exclude?: string[] } = {}): Promise<AxeFinding[]> {
  await page.evaluate(axeSource);
  const exclude = options.exclude ?? [];
  const findings: AxeFinding[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.waitForTimeout(100);
    const found = await page.evaluate(async (exclude) => {
      const axe = (window as unknown as { axe: { run(context: Document | object, options: object): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }> }> } }).axe;
      const result = await axe.run(exclude.length ? { include: [document], exclude: exclude.map((s) => [s]) } : document, { iframes: false, resultTypes: ['violations'] });
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, nodes: v.nodes.slice(0, 5).map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`) }));
    }, exclude);
    findings.push(...found.map((f) => ({ ...f, id: `${f.id} (${colorScheme})` })));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return findings;
}

/** A loopback HTTP server that counts every request: stands in for a tracker that mail tries to reach. */
export interface Canary {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

export async function startCanary(): Promise<Canary> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/gif', 'cache-control': 'no-store' }).end(Buffer.from('R0lGODlhAQABAAAAACw=', 'base64'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface IncomingServer {
  type: 'imap' | 'pop3';
  host: string;
  port: number;
  socketType: 'SSL' | 'STARTTLS' | 'plain';
  username: string;
}

/** An SMTP submission server of an autoconfig file. */
export type OutgoingServerEntry = Omit<IncomingServer, 'type'>;

/** A Thunderbird autoconfig file (clientConfig 1.1), as providers and the ISPDB publish them. */
export function autoconfigXml(domain: string, servers: IncomingServer[], outgoingServers: OutgoingServerEntry[] = []): string {
  const incoming = servers
    .map(
      (s) => `    <incomingServer type="${s.type}">
      <hostname>${s.host}</hostname>
      <port>${s.port}</port>
      <socketType>${s.socketType}</socketType>
      <authentication>password-cleartext</authentication>
      <username>${s.username}</username>
    </incomingServer>`,
    )
    .join('\n');
  const outgoing = outgoingServers
    .map(
      (s) => `
    <outgoingServer type="smtp">
      <hostname>${s.host}</hostname>
      <port>${s.port}</port>
      <socketType>${s.socketType}</socketType>
      <authentication>password-cleartext</authentication>
      <username>${s.username}</username>
    </outgoingServer>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="${domain}">
    <domain>${domain}</domain>
    <displayName>${domain} mail</displayName>
${incoming}${outgoing}
  </emailProvider>
</clientConfig>
`;
}

/** A loopback stand-in for Thunderbird's ISPDB (`HOMING_ISPDB_URL`): `/v1.1/<domain>` answers that domain's file. */
export async function startIspdb(files: Record<string, string>): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const domain = decodeURIComponent((req.url ?? '').replace(/^\/v1\.1\//, '').split('?')[0] ?? '');
    const body = files[domain];
    if (body) res.writeHead(200, { 'content-type': 'text/xml' }).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1.1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
