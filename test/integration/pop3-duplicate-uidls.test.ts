import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { deliverMany, maildirFiles, pop3Fixture, storedPop3 } from '../helpers/pop3-fixture';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/**
 * A server that lists one UIDL for several messages (RFC 1939 §7 says it must not): here a real Dovecot
 * whose pop3_uidl_format is the mailbox's UIDVALIDITY alone (%v), so every message shares it; the same
 * happens with %m for messages with identical headers, or after a migration. Found with such a Dovecot:
 * three messages on the server, `{ added: 0 }`, nothing stored, the pass a success and nothing said.
 */
describe('POP3: a UIDL the server lists for more than one message', () => {
  let server: DovecotServer;
  beforeAll(async () => {
    server = await startDovecot({
      users: [
        { name: 'dup', password: 'dup-secret' },
        { name: 'dupdel', password: 'dupdel-secret' },
      ],
      extraConfig: 'protocol pop3 {\n  pop3_uidl_format = %v\n}\n',
    });
  });
  afterAll(async () => {
    await server?.destroy();
  });

  const alert = (n: number) => `From: monitor@example.org\r\nTo: dup@example.org\r\nSubject: disk alert\r\n\r\ndisk at ${90 + n}%\r\n`;
  const fixture = (user: string, pop3Delete: 'never' | 'after-download') =>
    pop3Fixture({
      port: server.ports.pop3s,
      security: 'tls',
      user,
      password: `${user}-secret`,
      trustedFingerprint: server.certificate.fingerprint256,
      settings: { pop3Delete: { kind: pop3Delete } },
    });

  it('downloads every message once, keyed by its bytes; the one stored while its UIDL was unique is not stored again', async () => {
    deliverMany(server, 'dup', [alert(1)]);
    const f = await fixture('dup', 'never');
    const sync = () => f.engine.syncOnce(f.context());
    expect(await sync()).toEqual({ added: 1 });
    deliverMany(server, 'dup', [alert(2), alert(3)]);
    expect(await sync()).toEqual({ added: 2 });
    const stored = storedPop3(f.db, f.account.id);
    expect(stored.map((m) => sha(m.raw)).sort()).toEqual([alert(1), alert(2), alert(3)].map(sha).sort());
    expect(await sync()).toEqual({ added: 0 });
    expect(storedPop3(f.db, f.account.id)).toHaveLength(3);
    expect(maildirFiles(server.maildir('dup'))).toHaveLength(3);
  });

  it('never deletes them from the server, whatever the policy, and the pass still succeeds', async () => {
    deliverMany(server, 'dupdel', [alert(4), alert(5)]);
    const f = await fixture('dupdel', 'after-download');
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 2 });
    expect(storedPop3(f.db, f.account.id).map((m) => sha(m.raw)).sort()).toEqual([alert(4), alert(5)].map(sha).sort());
    expect(maildirFiles(server.maildir('dupdel'))).toHaveLength(2);
  });
});
