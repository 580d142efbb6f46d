import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { deliverMany, maildirFiles, pop3Fixture, storedPop3, testMessage } from '../helpers/pop3-fixture';

/**
 * A POP3 server that changes every UIDL at once: a host moving to another server or mailbox format, or
 * (here, on a real Dovecot) a new pop3_uidl_format. Found by running `homing sync --watch` with a POP3
 * account that leaves mail on the server: after Dovecot's UIDL format changed, every message showed up
 * twice (14 messages became 28), because the store keys POP3 mail by UIDL alone.
 */
describe('POP3: the server changes its UIDLs', () => {
  let server: DovecotServer;
  beforeAll(async () => {
    server = await startDovecot({ users: [{ name: 'dana', password: 'dana-secret' }] });
  });
  afterAll(async () => {
    await server?.destroy();
  });

  /** Dovecot's UIDLs from the message's GUID (for Maildir, the file's base name) instead of UID and UIDVALIDITY. */
  const changeUidlFormat = async () => {
    const conf = join(server.dir, 'etc', 'dovecot.conf');
    const text = await readFile(conf, 'utf8');
    expect(text).toMatch(/^pop3_uidl_format = %08Xu%08Xv$/m);
    await server.stop();
    await writeFile(conf, text.replace(/^pop3_uidl_format = .*$/m, 'pop3_uidl_format = %g'));
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
    await changeUidlFormat();
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
});
