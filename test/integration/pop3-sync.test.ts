import { createHash, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HomingError } from '../../shared/errors';
import type { Pop3DeletePolicy } from '../../shared/contract/accounts';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { deliverMany as deliverToMaildir, maildirFiles, pop3Fixture, type Pop3Fixture, storedPop3, testMessage } from '../helpers/pop3-fixture';

/** The POP3 sync against the real Dovecot: both TLS modes, every server-copy policy, headers-only. */

/** Each policy test runs over both ways of encrypting POP3, each with a mailbox of its own. */
const modes = [
  ['POP3 with STLS', 'starttls'],
  ['POP3S (implicit TLS)', 'tls'],
] as const;
const perMode = ['never', 'afterdl', 'days', 'local', 'partial', 'vanish'];
const users = ['stls', 'pop3s', 'big', 'stop', 'pages', ...perMode.flatMap((name) => [`${name}-starttls`, `${name}-tls`])].map((name) => ({
  name,
  password: `${name}-secret`,
}));

let server: DovecotServer;
beforeAll(async () => {
  server = await startDovecot({ users });
});
afterAll(async () => {
  await server?.destroy();
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const deliverMany = (user: string, raws: Array<string | Buffer>) => deliverToMaildir(server, user, raws);

function onServer(user: string): string[] {
  return maildirFiles(server.maildir(user))
    .map((f) => /^Subject: (.*)$/m.exec(f.raw.toString())?.[1] ?? '?')
    .sort();
}

async function fixture(user: string, policy: Pop3DeletePolicy = { kind: 'never' }, extra: { security?: 'tls' | 'starttls'; maxKb?: number } = {}) {
  const security = extra.security ?? 'tls';
  return pop3Fixture({
    port: security === 'tls' ? server.ports.pop3s : server.ports.pop3,
    security,
    user,
    password: `${user}-secret`,
    trustedFingerprint: server.certificate.fingerprint256,
    settings: { pop3Delete: policy, pop3MaxMessageKb: extra.maxKb ?? null },
  });
}

const sync = (f: Pop3Fixture, signal?: AbortSignal) => f.engine.syncOnce(f.context(signal));

describe('POP3 sync against Dovecot', () => {
  it.each([
    ['POP3 with STLS', 'stls', 'starttls'],
    ['POP3S (implicit TLS)', 'pop3s', 'tls'],
  ] as const)('%s: downloads everything byte for byte into INBOX; a second run downloads nothing', async (_name, user, security) => {
    const raws = Array.from({ length: 25 }, (_, i) => testMessage(i, i % 5 === 0 ? '.a dot-stuffed line\r\n..and another\r\n' : ''));
    deliverMany(user, raws);
    const f = await fixture(user, { kind: 'never' }, { security });
    expect(await sync(f)).toEqual({ added: 25 });
    const stored = storedPop3(f.db, f.account.id);
    expect(stored).toHaveLength(25);
    expect(new Set(stored.map((m) => m.uidl)).size).toBe(25);
    expect(stored.map((m) => sha(m.raw)).sort()).toEqual(raws.map((r) => sha(Buffer.from(r))).sort());
    const inbox = f.db.sqlite.prepare("SELECT path, special_use FROM folders WHERE account_id = ?").all(f.account.id);
    expect(inbox).toEqual([{ path: 'INBOX', special_use: 'inbox' }]);
    // Newest first: the highest message number was committed first.
    expect(stored[0]!.subject).toBe('message 24');
    expect(f.events.some((e) => e.event === 'syncProgressed' && (e.payload as { phase: string }).phase === 'bodies')).toBe(true);

    expect(await sync(f)).toEqual({ added: 0 });
    expect(storedPop3(f.db, f.account.id)).toHaveLength(25);
    expect(onServer(user)).toHaveLength(25);
    deliverMany(user, [testMessage(100)]);
    expect(await sync(f)).toEqual({ added: 1 });
  });

  describe.each(modes)('%s', (_mode, security) => {
    it('never (the default): leaves every message on the server, even one deleted here', async () => {
      deliverMany(`never-${security}`, [testMessage(1), testMessage(2), testMessage(3)]);
      const f = await fixture(`never-${security}`, { kind: 'never' }, { security });
      expect(await sync(f)).toEqual({ added: 3 });
      expect(await sync(f)).toEqual({ added: 0 });
      expect(onServer(`never-${security}`)).toEqual(['message 1', 'message 2', 'message 3']);
      expect(storedPop3(f.db, f.account.id)).toHaveLength(3);
      // Deleted here: gone from the store, still on the server, and not downloaded again.
      f.db.sqlite.prepare("UPDATE messages SET deleted_locally = 1 WHERE subject = 'message 2'").run();
      expect(await sync(f)).toEqual({ added: 0 });
      expect(onServer(`never-${security}`)).toEqual(['message 1', 'message 2', 'message 3']);
      expect(storedPop3(f.db, f.account.id).map((m) => m.subject).sort()).toEqual(['message 1', 'message 3']);
      expect(await sync(f)).toEqual({ added: 0 });
    });

    it('after-download: deletes from the server exactly what was stored, at QUIT', async () => {
      deliverMany(`afterdl-${security}`, [testMessage(1), testMessage(2), testMessage(3)]);
      const f = await fixture(`afterdl-${security}`, { kind: 'after-download' }, { security });
      expect(await sync(f)).toEqual({ added: 3 });
      expect(onServer(`afterdl-${security}`)).toEqual([]);
      expect(storedPop3(f.db, f.account.id).map((m) => m.subject).sort()).toEqual(['message 1', 'message 2', 'message 3']);
      deliverMany(`afterdl-${security}`, [testMessage(4)]);
      expect(await sync(f)).toEqual({ added: 1 });
      expect(onServer(`afterdl-${security}`)).toEqual([]);
      expect(storedPop3(f.db, f.account.id)).toHaveLength(4);
    });

    it('after-days N: deletes only what was downloaded at least N days ago', async () => {
      deliverMany(`days-${security}`, [testMessage(1), testMessage(2), testMessage(3)]);
      const f = await fixture(`days-${security}`, { kind: 'after-days', days: 7 }, { security });
      await sync(f);
      expect(onServer(`days-${security}`)).toHaveLength(3);
      // Two of them were downloaded eight days ago, one six days ago.
      const day = 24 * 3600 * 1000;
      const setAge = (subject: string, days: number) =>
        f.db.sqlite
          .prepare('UPDATE pop3_uidls SET downloaded_at = ? WHERE message_id = (SELECT id FROM messages WHERE subject = ?)')
          .run(Date.now() - days * day, subject);
      setAge('message 1', 8);
      setAge('message 2', 8);
      setAge('message 3', 6);
      expect(await sync(f)).toEqual({ added: 0 });
      expect(onServer(`days-${security}`)).toEqual(['message 3']);
      expect(storedPop3(f.db, f.account.id)).toHaveLength(3);
    });

    it('when-deleted-locally: deletes on the server what the user deleted here, then drops the hidden rows', async () => {
      deliverMany(`local-${security}`, [testMessage(1), testMessage(2), testMessage(3), testMessage(4)]);
      const f = await fixture(`local-${security}`, { kind: 'when-deleted-locally' }, { security });
      await sync(f);
      // The delete action hides the row (deleted_locally = 1) under this policy (sync/writes/action-plans.ts);
      // a row removed outright (an older version, another path) counts as deleted here too.
      f.db.sqlite.prepare("UPDATE messages SET deleted_locally = 1 WHERE subject IN ('message 1', 'message 2')").run();
      f.db.sqlite.prepare("DELETE FROM messages WHERE subject = 'message 3'").run();
      expect(onServer(`local-${security}`)).toHaveLength(4);
      expect(await sync(f)).toEqual({ added: 0 });
      expect(onServer(`local-${security}`)).toEqual(['message 4']);
      expect(storedPop3(f.db, f.account.id).map((m) => m.subject)).toEqual(['message 4']);
      // Nothing comes back, and the bookkeeping says what happened.
      expect(await sync(f)).toEqual({ added: 0 });
      const gone = f.db.sqlite.prepare('SELECT count(*) AS n FROM pop3_uidls WHERE server_gone_at IS NOT NULL').get() as { n: number };
      expect(gone.n).toBe(3);
    });

    it('headers only over the size limit: stored partial with the first lines, completed on demand', async () => {
      const big = testMessage(1, Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(60)}`).join('\r\n') + '\r\n');
      const small = testMessage(2);
      deliverMany(`partial-${security}`, [big, small]);
      const f = await fixture(`partial-${security}`, { kind: 'after-download' }, { maxKb: 4, security });
      await sync(f);
      let stored = storedPop3(f.db, f.account.id);
      const partial = stored.find((m) => m.subject === 'message 1')!;
      expect(partial.bodyStatus).toBe('partial');
      expect(partial.raw.toString()).toContain('line 0 ');
      expect(partial.raw.toString()).not.toContain('line 199 ');
      expect(stored.find((m) => m.subject === 'message 2')!.bodyStatus).toBe('full');
      // The partial one stays on the server (its body exists only there), the full one is gone.
      expect(onServer(`partial-${security}`)).toEqual(['message 1']);
      expect(await sync(f)).toEqual({ added: 0 });

      await f.engine.completeMessage!(f.context(), partial.id);
      stored = storedPop3(f.db, f.account.id);
      const completed = stored.find((m) => m.id === partial.id)!;
      expect(completed.bodyStatus).toBe('full');
      expect(completed.raw.toString()).toBe(big);
      expect(stored).toHaveLength(2);
      // Completed in full, so "delete right after download" applies to it now.
      expect(onServer(`partial-${security}`)).toEqual([]);
    });

    it('keeps messages whose UIDL vanished from the server (an archive, not a mirror)', async () => {
      deliverMany(`vanish-${security}`, [testMessage(1), testMessage(2)]);
      const f = await fixture(`vanish-${security}`, { kind: 'never' }, { security });
      await sync(f);
      for (const file of maildirFiles(server.maildir(`vanish-${security}`))) {
        if (file.raw.toString().includes('message 1')) {
          for (const sub of ['cur', 'new']) rmSync(join(server.maildir(`vanish-${security}`), sub, file.name), { force: true });
        }
      }
      expect(await sync(f)).toEqual({ added: 0 });
      expect(storedPop3(f.db, f.account.id).map((m) => m.subject).sort()).toEqual(['message 1', 'message 2']);
    });
  });

  it('a maildrop of several listing batches and download pages: each message stored once, the deleted ones gone from the listing', async () => {
    // 1,300 messages: the listing goes to its temp table in batches of 512, the download asks for pages of 256.
    const raws = Array.from({ length: 1300 }, (_, i) => testMessage(i));
    deliverMany('pages', raws);
    const f = await fixture('pages', { kind: 'never' });
    expect(await sync(f)).toEqual({ added: 1300 });
    const stored = storedPop3(f.db, f.account.id);
    expect(new Set(stored.map((m) => m.uidl)).size).toBe(1300);
    expect(stored[0]!.subject).toBe('message 1299');
    const syncState = () =>
      JSON.parse((f.db.sqlite.prepare("SELECT sync_state AS s FROM folders WHERE account_id = ? AND path = 'INBOX'").get(f.account.id) as { s: string }).s) as {
        onServer: number;
        deletedLastPass: number;
      };
    expect(syncState()).toMatchObject({ onServer: 1300, deletedLastPass: 0 });
    // Delete on the server the ones the user deleted here: 300 of them, in DELE batches.
    const hidden = stored.slice(0, 300).map((m) => m.id);
    const hide = f.db.sqlite.prepare('UPDATE messages SET deleted_locally = 1 WHERE id = ?');
    for (const id of hidden) hide.run(id);
    f.setSettings({ pop3Delete: { kind: 'when-deleted-locally' } });
    expect(await sync(f)).toEqual({ added: 0 });
    expect(onServer('pages')).toHaveLength(1000);
    expect(syncState()).toMatchObject({ onServer: 1000, deletedLastPass: 300 });
    expect(storedPop3(f.db, f.account.id)).toHaveLength(1000);
    const gone = f.db.sqlite.prepare('SELECT count(*) AS n FROM pop3_uidls WHERE account_id = ? AND server_gone_at IS NOT NULL').get(f.account.id);
    expect(gone).toEqual({ n: 300 });
    expect(await sync(f)).toEqual({ added: 0 });
    expect(syncState()).toMatchObject({ onServer: 1000, deletedLastPass: 0 });
  });

  it('streams a 50 MB message through a temp file and stores it byte for byte', async () => {
    const attachment = randomBytes(37 * 1024 * 1024).toString('base64').replace(/.{76}/g, '$&\r\n');
    const raw = Buffer.from(
      `From: a@example.org\r\nSubject: huge\r\nMessage-ID: <huge@homing.test>\r\nMIME-Version: 1.0\r\n` +
        `Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n` +
        `--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=big.bin\r\n\r\n${attachment}\r\n--b--\r\n`,
    );
    expect(raw.length).toBeGreaterThan(50 * 1000 * 1000);
    deliverMany('big', [raw]);
    const f = await fixture('big', { kind: 'after-download' });
    expect(await sync(f)).toEqual({ added: 1 });
    const [stored] = storedPop3(f.db, f.account.id);
    expect(stored!.raw.length).toBe(raw.length);
    expect(sha(stored!.raw)).toBe(sha(raw));
    expect(onServer('big')).toEqual([]);
  });

  it('stops between messages when asked, deletes nothing, and the next run completes', async () => {
    // Messages are committed in batches (up to 100): enough of them that a stop leaves most on the server.
    deliverMany('stop', Array.from({ length: 300 }, (_, i) => testMessage(i)));
    const f = await fixture('stop', { kind: 'after-download' });
    const controller = new AbortController();
    const ctx = f.context(controller.signal);
    const progress = ctx.progress;
    // Stop as soon as the first batch is stored.
    const stopping = { ...ctx, progress: (u: Parameters<typeof progress>[0]) => (progress(u), u.phase === 'bodies' && (u.done ?? 0) >= 1 && controller.abort()) };
    const error = await f.engine.syncOnce(stopping).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HomingError);
    expect((error as HomingError).code).toBe('CANCELLED');
    const partway = storedPop3(f.db, f.account.id).length;
    expect(partway).toBeGreaterThanOrEqual(1);
    expect(partway).toBeLessThan(300);
    expect(onServer('stop')).toHaveLength(300);
    expect(await sync(f)).toEqual({ added: 300 - partway });
    expect(onServer('stop')).toEqual([]);
    expect(storedPop3(f.db, f.account.id)).toHaveLength(300);
  });
});
