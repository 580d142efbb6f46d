import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { OutboxItem } from '../../shared/contract/outgoing';
import { dbPathOf } from '../../electron/store/data-dir';
import { closeDb, openReadDb } from '../../electron/store/open';
import { listOutbox, toOutboxItem } from '../../electron/store/outbox';
import { runCli } from '../helpers/cli';
import { seededRandom } from '../helpers/seeded-random';
import { type DovecotServer, maildirFolder, startDovecot } from '../servers/dovecot';
import { type PostfixServer, startPostfix } from '../servers/postfix';

/**
 * SIGKILL of the built CLI (its worker thread dies with it) at KILLS random moments while MESSAGES messages
 * are sent through a real Postfix into a real Dovecot and filed in Sent: `homing send --progress`, one new
 * message a run, and `homing sync --progress`, which sends what earlier runs left queued and files what they
 * left accepted. Each kill is keyed to the outbox's state changes (`--progress` prints `outbox ID STATE`
 * after each commit): after a message began sending, after it was accepted (250 after DATA, before its Sent
 * copy: the wait for a server's own copy, the search, the APPEND), or after it was filed, each with a
 * random delay of up to a few tens of milliseconds (up to 200 after an acceptance, the filing window).
 *
 * After the kills and one undisturbed run: every message delivered to bob at most once, every message not
 * delivered still queued or reported "may have been sent" (none silently lost), every delivered one filed
 * in Sent exactly once unless it waits for the user as "may have been sent". Then the user's choices for
 * those (mark-sent when it did arrive, retry when it did not) bring every message to exactly one delivery
 * and exactly one Sent copy. The counts are printed.
 */
const KILLS = Number(process.env.HOMING_FAULT_KILLS ?? 30);
const MESSAGES = Number(process.env.HOMING_FAULT_MESSAGES ?? 50);
const users = [
  { name: 'alice', password: 'alice-secret' },
  { name: 'bob', password: 'bob-secret' },
];
const env = {
  ALICE_PW: 'alice-secret',
  // A short wait for the server's own Sent copy: a window between the 250 and the APPEND to be killed in.
  HOMING_SENT_COPY_WAIT_MS: '150',
};

interface Run {
  killed: boolean;
  /** What the kill was keyed to. */
  trigger: string;
  stderr: string;
}

describe('sending: SIGKILL of homing sync while the outbox is sent', () => {
  let dovecot: DovecotServer;
  let postfix: PostfixServer;
  let dataDir: string;
  let accountId = '';
  const random = seededRandom();

  beforeAll(async () => {
    dovecot = await startDovecot({ users });
    postfix = await startPostfix({ dovecot });
    dataDir = mkdtempSync(join(tmpdir(), 'homing-send-crash-'));
    const added = await runCli(
      ['--data-dir', dataDir, 'account', 'add', '--email', 'alice@example.test', '--protocol', 'imap', '--host', '127.0.0.1',
        '--port', String(dovecot.ports.imaps), '--security', 'tls', '--username', 'alice', '--password-env', 'ALICE_PW',
        '--trust-fingerprint', dovecot.certificate.fingerprint256, '--insecure-store-in-file',
        '--smtp-host', '127.0.0.1', '--smtp-port', String(postfix.ports.submissions), '--smtp-security', 'tls',
        '--smtp-trust-fingerprint', postfix.certificate.fingerprint256],
      { env },
    );
    expect(added.status, added.stderr).toBe(0);
    accountId = added.stdout.trim();
    expect((await runCli(['--data-dir', dataDir, 'sync'], { env })).status).toBe(0);
  });
  afterAll(async () => {
    await postfix?.destroy();
    await dovecot?.destroy();
  });

  /** Runs the CLI with `args` and kills it once `trigger` has been seen `nth` times, `delayMs` later (if it has not exited). */
  function runUntil(args: string[], trigger: string, nth: number, delayMs: number, input?: string): Promise<Run> {
    const bin = join(inject('buildDir'), 'node', 'homing.cjs');
    const child: ChildProcess = spawn(process.execPath, [bin, '--data-dir', dataDir, ...args], {
      stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'],
      env: { ...process.env, ...env },
    });
    if (input !== undefined) child.stdin!.end(input);
    let stderr = '';
    let seen = 0;
    let killing = false;
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      for (const line of text.split('\n')) {
        if (!killing && new RegExp(`^outbox \\d+ ${trigger}$`).test(line) && ++seen >= nth) {
          killing = true;
          setTimeout(() => child.kill('SIGKILL'), delayMs);
        }
      }
    });
    return new Promise((resolve) =>
      child.once('exit', (_code, signal) => resolve({ killed: signal === 'SIGKILL', trigger: `${args[0]}: ${trigger} #${nth} +${delayMs} ms`, stderr })),
    );
  }

  /** The outbox as the store has it (read-only, between runs: no CLI start each time). */
  function outbox(): OutboxItem[] {
    const db = openReadDb(dbPathOf(dataDir));
    try {
      return listOutbox(db, { includeFiled: true }).map(toOutboxItem);
    } finally {
      closeDb(db);
    }
  }

  /** How many copies of each Message-ID a folder holds, read from Dovecot's Maildir files (an IMAP login each time costs more). */
  async function copies(user: string, folder: string): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const dir = maildirFolder(dovecot.maildir(user), folder);
    for (const sub of ['new', 'cur']) {
      for (const name of await readdir(join(dir, sub)).catch(() => [])) {
        const head = (await readFile(join(dir, sub, name))).subarray(0, 16_384).toString('latin1');
        const id = /^Message-ID: *<([^>]+)>/im.exec(head)?.[1];
        if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
      }
    }
    return counts;
  }

  it(`delivers each of ${MESSAGES} messages at most once and files each once, through ${KILLS} kills`, async () => {
    const kills: Run[] = [];
    let killedBetweenAcceptAndFiling = 0;
    let written = 0;
    let rounds = 0;
    while ((written < MESSAGES || kills.length < KILLS) && rounds < MESSAGES + KILLS * 3) {
      rounds++;
      const waiting = (outbox()).some((i) => i.state === 'queued' || i.state === 'sent');
      const trigger = random.pick(['sending', 'sent', 'sent', 'filed']);
      const delay = random.int(0, trigger === 'sent' ? 200 : 40);
      // Kills only as long as the count is not reached; the rest of the messages are then sent undisturbed.
      const nth = kills.length < KILLS ? 1 : 1_000;
      let run: Run;
      if (written < MESSAGES && (!waiting || random.next() < 0.7)) {
        const body = `Message ${written} of the crash test.\n${'x'.repeat(random.int(0, 40_000))}\n`;
        run = await runUntil(['send', '--account', accountId, '--to', 'bob@example.test', '--subject', `crash test ${written}`, '--body-file', '-', '--progress'], trigger, nth, delay, body);
        written++;
      } else if (waiting) {
        run = await runUntil(['sync', '--progress'], trigger, kills.length < KILLS ? random.int(1, 3) : 1_000, delay);
      } else break;
      if (!run.killed) continue;
      kills.push(run);
      const after = outbox();
      if (after.some((i) => i.state === 'sent')) killedBetweenAcceptAndFiling++;
      // After every kill: nothing delivered twice, nothing filed twice.
      await postfix.drain();
      for (const [id, n] of await copies('bob', 'INBOX')) expect(n, `delivered twice: ${id}`).toBe(1);
      for (const [id, n] of await copies('alice', 'Sent')) expect(n, `filed twice: ${id}`).toBe(1);
    }

    // One run without a kill sends whatever is still queued and files what was accepted.
    const last = await runCli(['--data-dir', dataDir, 'sync'], { env });
    expect(last.status, last.stderr).toBe(0);
    await postfix.drain();
    const items = outbox();
    const delivered = await copies('bob', 'INBOX');
    const filed = await copies('alice', 'Sent');
    // A send killed before its message was committed leaves no message at all (nothing to lose): the rest are all here.
    expect(items.length).toBeGreaterThan(MESSAGES - KILLS);
    for (const item of items) {
      const atBob = delivered.get(item.messageId) ?? 0;
      const inSent = filed.get(item.messageId) ?? 0;
      expect(atBob, `delivered more than once: ${item.messageId}`).toBeLessThanOrEqual(1);
      expect(inSent, `filed more than once: ${item.messageId}`).toBeLessThanOrEqual(1);
      if (atBob === 0) expect(['queued', 'uncertain'], `not delivered, yet ${item.state}: ${item.messageId}`).toContain(item.state);
      if (atBob === 1) expect(['filed', 'uncertain'], `delivered, yet ${item.state}`).toContain(item.state);
      if (item.state === 'filed') expect(inSent, `filed but not in Sent: ${item.messageId}`).toBe(1);
    }
    const uncertain = items.filter((i) => i.state === 'uncertain');
    const uncertainDelivered = uncertain.filter((i) => delivered.has(i.messageId)).length;
    const counts = {
      seed: random.seed,
      sendRuns: written,
      messages: items.length,
      kills: kills.length,
      killedBetweenAcceptAndFiling,
      delivered: delivered.size,
      filed: items.filter((i) => i.state === 'filed').length,
      mayHaveBeenSent: uncertain.length,
      mayHaveBeenSentAndDelivered: uncertainDelivered,
      stillQueued: items.filter((i) => i.state === 'queued').length,
      lost: items.filter((i) => !delivered.has(i.messageId) && i.state !== 'queued' && i.state !== 'uncertain').length,
    };
    console.log(`send crash test: ${JSON.stringify(counts)}`);
    console.log(`kills keyed to: ${kills.map((k) => k.trigger).join('; ')}`);
    expect(counts.lost).toBe(0);
    expect(counts.kills).toBeGreaterThan(0);

    // The user's choices for "may have been sent": it arrived (file it) or it did not (send it again).
    for (const item of uncertain) {
      const choice = delivered.has(item.messageId) ? 'mark-sent' : 'retry';
      const resolved = await runCli(['--data-dir', dataDir, 'outbox', choice, String(item.id)], { env });
      expect(resolved.status, resolved.stderr).toBe(0);
    }
    await postfix.drain();
    const finalDelivered = await copies('bob', 'INBOX');
    const finalFiled = await copies('alice', 'Sent');
    for (const item of outbox()) {
      expect(item.state).toBe('filed');
      expect(finalDelivered.get(item.messageId), `delivered count of ${item.messageId}`).toBe(1);
      expect(finalFiled.get(item.messageId), `Sent copies of ${item.messageId}`).toBe(1);
    }
  }, 600_000);
});
