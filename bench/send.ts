/**
 * `npm run bench -- send [--count 200] [--runs 3] [--wait-ms 0]`
 *
 * Sending: `count` messages queued in Homing's outbox while offline (not timed), then flushed to a private
 * Postfix (implicit TLS, certificate pinned, AUTH through Dovecot, delivery into Dovecot by LMTP) with
 * `homing outbox flush`: the real CLI and worker, one SMTP session, each message's state committed before
 * each step, and its Sent copy filed in Dovecot over IMAP (search for the Message-ID, APPEND). Beside it,
 * Debian's msmtp submits the same bytes (Homing's built messages, exported to files) one process per
 * message, as a mail program that hands mail to msmtp does, to the same Postfix; it files nothing.
 * Wall time and peak RSS come from /usr/bin/time around the whole flush, and around a shell loop of the
 * msmtp runs (GNU time reports the largest of its children). The tools alternate run by run; medians.
 * `--wait-ms` is Homing's wait for a server's own Sent copy (HOMING_SENT_COPY_WAIT_MS; 2 s in the app):
 * 0 here, idle time is not sending time. Prints one table; asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MemoryVault } from '../electron/accounts/vault';
import { openMailService } from '../electron/service/mail-service';
import { seededRandom } from '../test/helpers/seeded-random';
import { serviceClient } from '../test/helpers/service-client';
import { startDovecot } from '../test/servers/dovecot';
import { startPostfix } from '../test/servers/postfix';
import { reportResults } from './lib/report';
import { rowsFromRuns, type TimedRun } from './lib/report-runs';
import { timed } from './lib/timed';
import { arg } from './lib/bench-arg';

const root = process.cwd();
const count = Number(arg('count', '200'));
const runs = Number(arg('runs', '3'));
const waitMs = arg('wait-ms', '0');

/** A mix like a person's outgoing mail: mostly short notes, some longer text, one in ten with a 200 KB attachment. */
function corpus(n: number): Array<{ subject: string; text: string; attachment: Buffer | null }> {
  const random = seededRandom(20);
  const words = 'the of and to a in is you that it he was for on are as with his they at be this have from or one had by word but not what all were we when your can said there use an each which she do how their if will up other about out many then them these so some her would make like him into time has look two more write go see number no way could people my than first water been call who oil its now find long down day did get come made may part'.split(' ');
  const paragraph = (length: number) => Array.from({ length }, () => random.pick(words)).join(' ');
  return Array.from({ length: n }, (_, i) => {
    const kind = random.next();
    const text = kind < 0.6 ? paragraph(random.int(40, 400)) : paragraph(random.int(1500, 4000));
    const attachment = kind >= 0.9 ? Buffer.from(Array.from({ length: 200 * 1024 }, () => random.int(0, 256))) : null;
    return { subject: `bench message ${i}`, text: `${text}\n`, attachment };
  });
}

async function main(): Promise<void> {
  if (!existsSync('/usr/bin/msmtp')) process.stderr.write('msmtp is not installed (apt-get install msmtp): only Homing is measured.\n');
  const work = mkdtempSync(join(tmpdir(), 'homing-bench-send-'));
  const users = [
    { name: 'alice', password: 'alice-secret' },
    { name: 'bob', password: 'bob-secret' },
    { name: 'carol', password: 'carol-secret' },
  ];
  const dovecot = await startDovecot({ users });
  const postfix = await startPostfix({ dovecot });
  try {
    const cliDir = join(root, '.cache', 'bench-send-cli');
    execFileSync(process.execPath, [join(root, 'build', 'build-main.mjs'), '--outdir', cliDir], { cwd: root });
    const homing = join(cliDir, 'homing.cjs');
    const env = { ...process.env, BENCH_PW: 'alice-secret', HOMING_SENT_COPY_WAIT_MS: waitMs };
    const messages = corpus(count);

    /** A data directory whose outbox holds `count` queued messages to `to` (not timed). */
    const queued = async (to: string): Promise<{ dataDir: string; bytes: number; raws: Buffer[] }> => {
      const dataDir = mkdtempSync(join(work, 'homing-'));
      const added = execFileSync(
        process.execPath,
        [homing, '--data-dir', dataDir, 'account', 'add', '--email', 'alice@example.test', '--protocol', 'imap', '--host', '127.0.0.1',
          '--port', String(dovecot.ports.imaps), '--security', 'tls', '--username', 'alice', '--password-env', 'BENCH_PW', '--insecure-store-in-file',
          '--trust-fingerprint', dovecot.certificate.fingerprint256, '--smtp-host', '127.0.0.1', '--smtp-port', String(postfix.ports.submissions),
          '--smtp-security', 'tls', '--smtp-trust-fingerprint', postfix.certificate.fingerprint256],
        { env, encoding: 'utf8' },
      ).trim();
      execFileSync(process.execPath, [homing, '--data-dir', dataDir, 'sync'], { env, stdio: 'ignore' });
      const handle = await openMailService({ dataDir, vault: new MemoryVault(), workerPath: join(cliDir, 'worker.cjs'), startWriter: true });
      try {
        const client = serviceClient(handle.service);
        for (const m of messages) {
          await client.sendMessage({
            content: {
              accountId: added,
              to: [{ address: to }],
              subject: m.subject,
              text: m.text,
              attachments: m.attachment ? [{ kind: 'data', filename: 'data.bin', contentType: 'application/octet-stream', base64: m.attachment.toString('base64') }] : [],
            },
            delaySeconds: 0,
          });
        }
      } finally {
        await handle.close();
      }
      const db = new Database(join(dataDir, 'homing.sqlite'), { readonly: true });
      try {
        const raws = (db.prepare('SELECT raw FROM outbox ORDER BY id').all() as Array<{ raw: Buffer }>).map((r) => r.raw);
        return { dataDir, bytes: raws.reduce((sum, r) => sum + r.length, 0), raws };
      } finally {
        db.close();
      }
    };

    // The files msmtp submits: Homing's own bytes for the same messages.
    const files = join(work, 'files');
    mkdirSync(files);
    const sample = await queued('carol@example.test');
    sample.raws.forEach((raw, i) => writeFileSync(join(files, `${String(i).padStart(4, '0')}.eml`), raw));
    rmSync(sample.dataDir, { recursive: true, force: true });
    const msmtprc = join(work, 'msmtprc');
    writeFileSync(
      msmtprc,
      [
        'account bench',
        'host 127.0.0.1',
        `port ${postfix.ports.submissions}`,
        'tls on',
        'tls_starttls off',
        `tls_fingerprint ${postfix.certificate.fingerprint256.toUpperCase().replace(/(..)(?!$)/g, '$1:')}`,
        'auth on',
        'user alice',
        'password alice-secret',
        'from alice@example.test',
        'account default : bench',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const loop = join(work, 'msmtp-loop.sh');
    writeFileSync(loop, `#!/bin/sh\nset -e\nfor f in "${files}"/*.eml; do msmtp -C "${msmtprc}" -f alice@example.test carol@example.test < "$f"; done\n`, { mode: 0o755 });

    const homingRuns: TimedRun[] = [];
    const msmtpRuns: TimedRun[] = [];
    const loads: number[] = [];
    for (let run = 0; run < runs; run++) {
      const outbox = await queued('bob@example.test');
      loads.push(loadavg()[0]!);
      const h = await timed(process.execPath, [homing, '--data-dir', outbox.dataDir, 'outbox', 'flush'], env);
      const db = new Database(join(outbox.dataDir, 'homing.sqlite'), { readonly: true });
      const filed = (db.prepare("SELECT count(*) AS n FROM outbox WHERE state = 'filed'").get() as { n: number }).n;
      db.close();
      if (filed !== count) throw new Error(`homing filed ${filed} of ${count}`);
      homingRuns.push(h);
      rmSync(outbox.dataDir, { recursive: true, force: true });
      process.stderr.write(`run ${run + 1}: homing ${h.wallS.toFixed(2)} s`);
      if (existsSync('/usr/bin/msmtp')) {
        const m = await timed('/bin/sh', [loop], process.env);
        msmtpRuns.push(m);
        process.stderr.write(`, msmtp ${m.wallS.toFixed(2)} s`);
      }
      process.stderr.write('\n');
    }
    await postfix.drain();
    const delivered = (user: string) => ['new', 'cur'].reduce((n, sub) => n + (readdirSync(join(dovecot.maildir(user), sub), { withFileTypes: true }).length ?? 0), 0);
    const bytes = sample.bytes;
    const rows = rowsFromRuns(count, `submit ${count} queued messages, SMTPS`, bytes, [
      { tool: 'homing', homing: true, list: homingRuns, note: 'one SMTP session; each message committed before each step; Sent copy filed over IMAP (search + APPEND)' },
      { tool: 'msmtp (one process a message)', homing: false, list: msmtpRuns, note: 'files nothing' },
    ]);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    console.log(`\nsend: ${count} messages, ${(bytes / 1e6).toFixed(1)} MB, ${runs} run(s) each, alternating; load average ${median(loads).toFixed(1)} (1 min, median at the runs' start)`);
    console.log(`delivered: bob ${delivered('bob')} (Homing, ${runs}×${count}), carol ${delivered('carol')} (msmtp, ${msmtpRuns.length}×${count})`);
    console.log('| tool | wall s | msg/s | peak RSS MB | CPU s |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const row of rows) {
      console.log(`| ${row.tool} | ${row.wallS?.toFixed(2)} | ${row.throughput?.value.toFixed(1)} | ${row.peakRssMb?.toFixed(0)} | ${Number(row.extra?.['CPU s'] ?? NaN).toFixed(2)} |`);
    }
    const [h, m] = rows;
    if (h && m && h.wallS && m.wallS && h.peakRssMb && m.peakRssMb) {
      console.log(`| ratio homing ÷ msmtp | ${(h.wallS / m.wallS).toFixed(2)}× | ${((h.throughput?.value ?? 0) / (m.throughput?.value ?? 1)).toFixed(2)}× | ${(h.peakRssMb / m.peakRssMb).toFixed(2)}× | |`);
    }
    reportResults('send', rows, [`load average ${median(loads).toFixed(1)}`]);
  } finally {
    await postfix.destroy();
    await dovecot.destroy();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
