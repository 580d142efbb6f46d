/**
 * `npm run bench -- soak [--minutes 30] [--outage-every 5] [--outage-seconds 20] [--mail-every 5] [--rss-bound 40]`
 *
 * The long-running process for a long time: the service as the app runs it (main thread, sync worker
 * thread, watching every account with the app's own timings: backoff from 2 s to 5 min, IDLE checked
 * every 4 min) with two IMAP accounts and one POP3 account on a private Dovecot, each checked every
 * minute (the shortest interval the settings offer). A new message every few seconds to one account in
 * turn; Dovecot stopped every few minutes for a while and started again. Nobody asks for a sync.
 *
 * Prints: arrival latency percentiles (delivery into the Maildir → stored whole), for mail delivered
 * while the server was up and for mail that waited out an outage; per account how many times it
 * reconnected (Dovecot's logins) and how long it took to be live again after each outage; the process's
 * RSS (every thread) at the start (after the first sync), every few minutes, and at the end, against a
 * stated bound for its growth. Asserts nothing.
 */
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Account } from '../shared/contract/accounts';
import type { SyncStatus } from '../shared/contract/sync';
import { MemoryVault } from '../electron/accounts/vault';
import { openMailService } from '../electron/service/mail-service';
import { dbPathOf } from '../electron/store/data-dir';
import { closeDb, openReadDb } from '../electron/store/open';
import { startDovecot } from '../test/servers/dovecot';
import { arg } from './lib/bench-arg';

const minutes = Number(arg('minutes', '30'));
const outageEveryMs = Number(arg('outage-every', '5')) * 60_000;
const outageMs = Number(arg('outage-seconds', '20')) * 1000;
const mailEveryMs = Number(arg('mail-every', '5')) * 1000;
/** How much the process's RSS may grow from the start to the end of the run before it counts as a leak. */
const rssBoundMb = Number(arg('rss-bound', '40'));

const users = [
  { name: 'alice', password: 'alice-secret', protocol: 'imap' as const },
  { name: 'bob', password: 'bob-secret', protocol: 'imap' as const },
  { name: 'carol', password: 'carol-secret', protocol: 'pop3' as const },
];

interface Delivery {
  user: string;
  messageId: string;
  at: number;
  /** The server was down (or coming back) when it was delivered. */
  duringOutage: boolean;
  arrivedAt: number | null;
}

const rssMb = () => process.memoryUsage().rss / 1024 / 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function latencyLine(label: string, values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const s = (ms: number) => (Number.isNaN(ms) ? '-' : `${(ms / 1000).toFixed(2)} s`);
  return `${label.padEnd(40)} n=${String(sorted.length).padStart(4)}  p50 ${s(percentile(sorted, 50))}  p90 ${s(percentile(sorted, 90))}  p99 ${s(percentile(sorted, 99))}  max ${s(sorted.at(-1) ?? NaN)}`;
}

async function main(): Promise<void> {
  const server = await startDovecot({ users: users.map(({ name, password }) => ({ name, password })) });
  const dataDir = mkdtempSync(join(tmpdir(), 'homing-bench-soak-'));
  const handle = await openMailService({ dataDir, vault: new MemoryVault(), workerPath: join(__dirname, 'worker.cjs'), startWriter: true });
  const statuses = new Map<string, SyncStatus>();
  /** Per account: how many times it was back after a failed pass or a dropped session (a reconnect). */
  const reconnects = new Map<string, number>();
  const failing = new Set<string>();
  handle.service.on('syncProgressed', (s) => {
    statuses.set(s.accountId, s);
    if (s.phase === 'error') failing.add(s.accountId);
    else if ((s.phase === 'watching' || (s.phase === 'idle' && s.lastError === null)) && failing.delete(s.accountId)) {
      reconnects.set(s.accountId, (reconnects.get(s.accountId) ?? 0) + 1);
    }
  });
  const read = openReadDb(dbPathOf(dataDir));
  const arrived = read.sqlite.prepare(`SELECT 1 FROM messages WHERE account_id = ? AND message_id = ? AND body_status = 'full'`);
  const logins = async (user: string) => (await readFile(join(server.dir, 'dovecot.log'), 'utf8').catch(() => '')).split(`Login: user=<${user}>`).length - 1;

  await handle.service.startWatching({});
  const accounts = new Map<string, Account>();
  for (const user of users) {
    accounts.set(
      user.name,
      await handle.service.addAccount({
        email: `${user.name}@example.org`,
        protocol: user.protocol,
        host: '127.0.0.1',
        port: user.protocol === 'imap' ? server.ports.imaps : server.ports.pop3s,
        security: 'tls',
        username: user.name,
        password: user.password,
        trustedFingerprint: server.certificate.fingerprint256,
        settings: { checkIntervalMinutes: 1 },
      }),
    );
  }
  const live = (name: string) => {
    const account = accounts.get(name)!;
    const s = statuses.get(account.id);
    return account.protocol === 'imap' ? s?.phase === 'watching' : s?.phase === 'idle' && s.lastError === null && s.lastSyncedAt !== null;
  };
  while (!users.every((u) => live(u.name))) await sleep(250);
  const loginsAtStart = new Map(await Promise.all(users.map(async (u) => [u.name, await logins(u.name)] as const)));
  const rssStart = rssMb();
  const rssSamples: Array<{ minute: number; mb: number }> = [{ minute: 0, mb: rssStart }];
  process.stdout.write(`soak: ${minutes} min, new mail every ${mailEveryMs / 1000} s, Dovecot down ${outageMs / 1000} s every ${outageEveryMs / 60_000} min; RSS at start ${rssStart.toFixed(0)} MB\n`);

  const started = Date.now();
  const deliveries: Delivery[] = [];
  const recoveries: Array<{ user: string; ms: number }> = [];
  let serverUp = true;
  let outageEndedAt = 0;
  let n = 0;
  let nextMail = started;
  let nextOutage = started + outageEveryMs;
  let nextRss = started + 60_000;
  let waitingForRecovery = null as Set<string> | null;

  while (Date.now() - started < minutes * 60_000 || deliveries.some((d) => d.arrivedAt === null)) {
    const now = Date.now();
    const running = now - started < minutes * 60_000;
    if (running && now >= nextMail) {
      const user = users[n % users.length]!.name;
      const messageId = `<soak-${n}@bench.example>`;
      n += 1;
      await server.deliver(user, `From: Bench <bench@example.org>\r\nTo: ${user}@example.org\r\nSubject: soak ${n}\r\nMessage-ID: ${messageId}\r\nDate: ${new Date().toUTCString()}\r\n\r\nSoak message ${n}.\r\n`);
      deliveries.push({ user, messageId, at: Date.now(), duringOutage: !serverUp || waitingForRecovery !== null, arrivedAt: null });
      nextMail += mailEveryMs;
    }
    if (running && serverUp && now >= nextOutage) {
      await server.stop();
      serverUp = false;
      setTimeout(() => {
        void server.start().then(() => {
          serverUp = true;
          outageEndedAt = Date.now();
          waitingForRecovery = new Set(users.map((u) => u.name));
        });
      }, outageMs);
      nextOutage += outageEveryMs;
    }
    if (waitingForRecovery) {
      for (const user of [...waitingForRecovery]) {
        // Back once the account has come through a pass after the server returned.
        const s = statuses.get(accounts.get(user)!.id);
        if (s?.lastSyncedAt && Date.parse(s.lastSyncedAt) >= outageEndedAt && s.lastError === null) {
          recoveries.push({ user, ms: Date.now() - outageEndedAt });
          waitingForRecovery.delete(user);
        }
      }
      if (waitingForRecovery.size === 0) waitingForRecovery = null;
    }
    for (const d of deliveries) {
      if (d.arrivedAt === null && arrived.get(accounts.get(d.user)!.id, d.messageId)) d.arrivedAt = Date.now();
    }
    if (now >= nextRss) {
      rssSamples.push({ minute: Math.round((now - started) / 60_000), mb: rssMb() });
      nextRss += 60_000;
    }
    if (!running && Date.now() - started > minutes * 60_000 + 15 * 60_000) break; // never arrived: reported below
    await sleep(200);
  }
  const rssEnd = rssMb();
  rssSamples.push({ minute: Math.round((Date.now() - started) / 60_000), mb: rssEnd });

  const latency = (filter: (d: Delivery) => boolean) => deliveries.filter((d) => filter(d) && d.arrivedAt !== null).map((d) => d.arrivedAt! - d.at);
  const lines = [
    `soak: ${deliveries.length} messages delivered over ${minutes} min, ${deliveries.filter((d) => d.arrivedAt === null).length} never arrived`,
    latencyLine('arrival, server up, IMAP (IDLE)', latency((d) => !d.duringOutage && d.user !== 'carol')),
    latencyLine('arrival, server up, POP3 (1 min checks)', latency((d) => !d.duringOutage && d.user === 'carol')),
    latencyLine('arrival, delivered during an outage', latency((d) => d.duringOutage)),
    latencyLine('live again after an outage, IMAP', recoveries.filter((r) => r.user !== 'carol').map((r) => r.ms)),
    latencyLine('live again after an outage, POP3', recoveries.filter((r) => r.user === 'carol').map((r) => r.ms)),
  ];
  for (const user of users) {
    const id = accounts.get(user.name)!.id;
    lines.push(
      `reconnects ${user.name.padEnd(6)} (${user.protocol}): ${reconnects.get(id) ?? 0} (back after a failure), ${(await logins(user.name)) - loginsAtStart.get(user.name)!} logins after the first sync`,
    );
  }
  const growth = rssEnd - rssStart;
  lines.push(`RSS (MB) by minute: ${rssSamples.map((s) => `${s.minute}:${s.mb.toFixed(0)}`).join(' ')}`);
  lines.push(
    `RSS start ${rssStart.toFixed(0)} MB, end ${rssEnd.toFixed(0)} MB, growth ${growth.toFixed(1)} MB (bound ${rssBoundMb} MB: ${growth <= rssBoundMb ? 'within' : 'OVER'})`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);

  closeDb(read);
  await handle.close();
  await server.destroy();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`soak: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
