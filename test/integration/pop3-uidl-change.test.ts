import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { deliverMany, maildirFiles, pop3Fixture, storedPop3, testMessage } from '../helpers/pop3-fixture';
import { organiseFixture } from '../helpers/organise-fixture';

/**
 * A POP3 server that changes every UIDL at once: a host moving to another server or mailbox format, or
 * (here, on a real Dovecot) a new pop3_uidl_format. Found by running `homing sync --watch` with a POP3
 * account that leaves mail on the server: after Dovecot's UIDL format changed, every message showed up
 * twice (14 messages became 28), because the store keys POP3 mail by UIDL alone.
 */
describe('POP3: the server changes its UIDLs', () => {
  let server: DovecotServer;
  beforeAll(async () => {
    server = await startDovecot({
      users: [
        { name: 'dana', password: 'dana-secret' },
        { name: 'erin', password: 'erin-secret' },
      ],
    });
  });
  afterAll(async () => {
    await server?.destroy();
  });

  /**
   * Restarts Dovecot with another pop3_uidl_format: by default the message's GUID (for Maildir, the file's
   * base name) instead of the harness's UID and UIDVALIDITY.
   */
  const changeUidlFormat = async (format = '%g') => {
    const conf = join(server.dir, 'etc', 'dovecot.conf');
    const text = await readFile(conf, 'utf8');
    const current = /^pop3_uidl_format = (.*)$/m.exec(text)?.[1];
    expect(current).toBeDefined();
    expect(current).not.toBe(format);
    await server.stop();
    await writeFile(conf, text.replace(/^pop3_uidl_format = .*$/m, `pop3_uidl_format = ${format}`));
    await server.start();
  };

  it('keeps each stored message once, under its new UIDL, with what the user did to it; only new mail is added', async () => {
    const twin = testMessage(50);
    // Two messages with the same bytes are two messages: each keeps its own row through the change.
    deliverMany(server, 'dana', [...Array.from({ length: 5 }, (_, i) => testMessage(i)), twin, twin]);
    const f = await pop3Fixture({
      port: server.ports.pop3s,
      security: 'tls',
      user: 'dana',
      password: 'dana-secret',
      trustedFingerprint: server.certificate.fingerprint256,
      settings: { pop3Delete: { kind: 'never' } },
    });
    const sync = () => f.engine.syncOnce(f.context());
    expect(await sync()).toEqual({ added: 7 });
    const before = storedPop3(f.db, f.account.id);
    expect(before.every((m) => m.uidl?.length === 16)).toBe(true);
    const read = before.find((m) => m.subject === 'message 3')!;
    f.db.sqlite.prepare('UPDATE messages SET seen = 1, flagged = 1 WHERE id = ?').run(read.id);
    const downloadedAt = (id: number) => (f.db.sqlite.prepare('SELECT downloaded_at AS at FROM pop3_uidls WHERE message_id = ?').get(id) as { at: number }).at;
    const firstDownload = downloadedAt(read.id);

    // Another client deletes message 0 on the server: POP3 here is an archive, so it stays stored.
    const gone = maildirFiles(server.maildir('dana')).find((file) => file.raw.toString().includes('Subject: message 0\r\n'))!;
    await rm(join(server.maildir('dana'), 'cur', gone.name));
    await changeUidlFormat('%g');
    deliverMany(server, 'dana', [testMessage(9)]);

    expect(await sync()).toEqual({ added: 1 });
    const after = storedPop3(f.db, f.account.id);
    expect(after.map((m) => m.subject).sort()).toEqual([...before.map((m) => m.subject), 'message 9'].sort());
    // The same rows (ids), the listed ones under their new UIDLs, the deleted one under its old UIDL.
    for (const old of before) {
      const now = after.find((m) => m.id === old.id)!;
      expect(now.raw.equals(old.raw)).toBe(true);
      if (old.subject === 'message 0') expect(now.uidl).toBe(old.uidl);
      else expect(now.uidl).not.toBe(old.uidl);
    }
    expect(new Set(after.map((m) => m.uidl)).size).toBe(after.length);
    const flags = f.db.sqlite.prepare('SELECT seen, flagged FROM messages WHERE id = ?').get(read.id);
    expect(flags).toEqual({ seen: 1, flagged: 1 });
    expect(downloadedAt(read.id)).toBe(firstDownload);
    const uidlRows = f.db.sqlite.prepare('SELECT count(*) AS n FROM pop3_uidls WHERE account_id = ?').get(f.account.id);
    expect(uidlRows).toEqual({ n: 8 });

    expect(await sync()).toEqual({ added: 0 });
    expect(storedPop3(f.db, f.account.id)).toHaveLength(8);
  });

  it('leaves deleted for good what the user deleted for good, and does not download again what they moved to Local Folders', async () => {
    // Reproduction: a leave-on-server account; a message deleted and the Trash emptied (its UIDL kept so the
    // server's copy is not downloaded again); the server's UIDLs change: that message came back (13 -> 14).
    deliverMany(
      server,
      'erin',
      Array.from({ length: 6 }, (_, i) => testMessage(20 + i)),
    );
    const fx = await organiseFixture(server, [{ key: 'archive', user: 'erin', protocol: 'pop3', settings: { pop3Delete: { kind: 'never' } } }]);
    try {
      const account = fx.accounts.archive!;
      const subjects = (accountId: string) =>
        (fx.db.sqlite.prepare('SELECT subject FROM messages WHERE account_id = ? ORDER BY subject').all(accountId) as Array<{ subject: string }>).map((r) => r.subject);
      const idOf = (subject: string) => (fx.db.sqlite.prepare('SELECT id FROM messages WHERE account_id = ? AND subject = ?').get(account.id, subject) as { id: number }).id;
      const uidlRows = () =>
        fx.db.sqlite.prepare('SELECT uidl, message_id AS messageId FROM pop3_uidls WHERE account_id = ? ORDER BY uidl').all(account.id) as Array<{
          uidl: string;
          messageId: number | null;
        }>;
      await fx.sync([account.id]);
      expect(subjects(account.id)).toHaveLength(6);

      const deleted = idOf('message 21');
      await fx.call('deleteMessages', { ids: [deleted] });
      expect(await fx.call('emptyTrash', { accountId: account.id, confirm: true })).toEqual({ deleted: 1 });
      const { folder: kept } = await fx.call('createFolder', { accountId: 'local', parentId: null, name: 'Kept' });
      const moved = idOf('message 22');
      await fx.call('moveMessages', { ids: [moved], toFolderId: kept.id });
      await fx.sync([account.id]);
      expect(subjects(account.id)).toEqual(['message 20', 'message 23', 'message 24', 'message 25']);
      expect(uidlRows().some((r) => /^v\d+\.u\d+$/.test(r.uidl))).toBe(false);

      await changeUidlFormat('v%v.u%u');
      deliverMany(server, 'erin', [testMessage(29)]);
      await fx.sync([account.id]);
      expect(subjects(account.id)).toEqual(['message 20', 'message 23', 'message 24', 'message 25', 'message 29']);
      expect(subjects('local')).toEqual(['message 22']);
      // Every record is under its new UIDL: the deleted one still without a message, the moved one still its own.
      const rows = uidlRows();
      expect(rows).toHaveLength(7);
      expect(rows.every((r) => /^v\d+\.u\d+$/.test(r.uidl))).toBe(true);
      expect(rows.filter((r) => r.messageId === null)).toHaveLength(1);
      expect(rows.some((r) => r.messageId === moved)).toBe(true);

      // Moved back, the message is under its new UIDL again, and nothing is downloaded twice.
      const inbox = fx.db.sqlite.prepare("SELECT id FROM folders WHERE account_id = ? AND path = 'INBOX'").get(account.id) as { id: number };
      await fx.call('moveMessages', { ids: [moved], toFolderId: inbox.id });
      await fx.sync([account.id]);
      expect(subjects(account.id)).toEqual(['message 20', 'message 22', 'message 23', 'message 24', 'message 25', 'message 29']);
      expect(rows.find((r) => r.messageId === moved)!.uidl).toBe(
        (fx.db.sqlite.prepare('SELECT uidl FROM messages WHERE id = ?').get(moved) as { uidl: string }).uidl,
      );
    } finally {
      fx.close();
    }
  });
});
