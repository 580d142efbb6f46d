import { createHash } from 'node:crypto';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pop3DeletePolicy } from '../../shared/contract/accounts';
import { HomingError } from '../../shared/errors';
import { pop3Fixture, type Pop3Fixture, storedPop3, testMessage } from '../helpers/pop3-fixture';
import { interopMatrix, startServer } from '../servers/interop';
import { adminClient, type MailServer } from '../servers/mail-server';
import { parseMessage } from '../../electron/mime/parse-message';
import { replaceStoredSource } from '../../electron/store/ingest';
import { writeTransaction } from '../../electron/store/write-transaction';
import { listMailboxIds } from '../../electron/store/message-list';
import { searchMessages } from '../../electron/store/search';

/**
 * The POP3 sync against every real POP3 server that runs here (test/servers/README.md): Dovecot, Cyrus
 * pop3d and Courier's pop3d. Courier offers PIPELINING but drops commands pipelined behind USER/PASS
 * (test/servers/README.md, Courier); Cyrus deletes at QUIT like the others. Mail is put in over IMAP APPEND into INBOX, which
 * is the POP3 maildrop on all three.
 */

const users = ['stls', 'pop3s', 'afterdl', 'partial', 'eightbit', 'rewrap'].map((name) => ({ name, password: `${name}-secret` }));
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe.each(interopMatrix())('POP3 interop: %s', (kind) => {
  let server: MailServer;
  beforeAll(async () => {
    server = await startServer(kind, { users });
  });
  afterAll(async () => {
    await server?.destroy();
  });

  const deliver = (user: string, raws: string[]) =>
    server.append(
      user,
      'INBOX',
      raws.map((raw) => ({ raw: Buffer.from(raw) })),
    );

  /** Subjects of what the server still holds in the maildrop (asked over IMAP). */
  async function onServer(user: string): Promise<string[]> {
    const client = await adminClient(server, user);
    try {
      const lock = await client.getMailboxLock('INBOX', { readOnly: true });
      try {
        const subjects: string[] = [];
        if (client.mailbox && client.mailbox.exists > 0) {
          for await (const m of client.fetch('1:*', { envelope: true })) subjects.push(m.envelope?.subject ?? '?');
        }
        return subjects.sort();
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
  }

  const fixture = (user: string, policy: Pop3DeletePolicy = { kind: 'never' }, extra: { security?: 'tls' | 'starttls'; maxKb?: number } = {}) => {
    const security = extra.security ?? 'tls';
    return pop3Fixture({
      port: security === 'tls' ? server.ports.pop3s : server.ports.pop3,
      security,
      user,
      password: `${user}-secret`,
      trustedFingerprint: server.certificate.fingerprint256,
      settings: { pop3Delete: policy, pop3MaxMessageKb: extra.maxKb ?? null },
    });
  };
  const sync = (f: Pop3Fixture) => f.engine.syncOnce(f.context());

  it.each([
    ['STLS', 'stls', 'starttls'],
    ['implicit TLS', 'pop3s', 'tls'],
  ] as const)('%s: downloads everything byte for byte; a second run downloads nothing; a new message comes alone', async (_name, user, security) => {
    const raws = Array.from({ length: 12 }, (_, i) => testMessage(i, i % 4 === 0 ? '.a dot-stuffed line\r\n..and another\r\n.\r\n' : ''));
    await deliver(user, raws);
    const f = await fixture(user, { kind: 'never' }, { security });
    expect(await sync(f)).toEqual({ added: 12 });
    const stored = storedPop3(f.db, f.account.id);
    expect(new Set(stored.map((m) => m.uidl)).size).toBe(12);
    expect(stored.map((m) => sha(m.raw)).sort()).toEqual(raws.map((r) => sha(r)).sort());

    expect(await sync(f)).toEqual({ added: 0 });
    expect(storedPop3(f.db, f.account.id)).toHaveLength(12);
    expect(await onServer(user)).toHaveLength(12);
    await deliver(user, [testMessage(100)]);
    expect(await sync(f)).toEqual({ added: 1 });
    expect(storedPop3(f.db, f.account.id).map((m) => m.subject)).toContain('message 100');
  });

  it('delete after download: removes from the server exactly what was stored, and nothing else on the next run', async () => {
    await deliver('afterdl', [testMessage(1), testMessage(2), testMessage(3)]);
    const f = await fixture('afterdl', { kind: 'after-download' });
    expect(await sync(f)).toEqual({ added: 3 });
    expect(await onServer('afterdl')).toEqual([]);
    expect(storedPop3(f.db, f.account.id).map((m) => m.subject).sort()).toEqual(['message 1', 'message 2', 'message 3']);
    await deliver('afterdl', [testMessage(4)]);
    expect(await sync(f)).toEqual({ added: 1 });
    expect(await onServer('afterdl')).toEqual([]);
    expect(storedPop3(f.db, f.account.id)).toHaveLength(4);
  });

  it('a wrong password ends the pass with AUTH_FAILED (the server said -ERR), nothing stored, nothing deleted', async () => {
    await deliver('afterdl', [testMessage(50)]);
    const f = await pop3Fixture({
      port: server.ports.pop3s,
      security: 'tls',
      user: 'afterdl',
      password: 'wrong-password-123',
      trustedFingerprint: server.certificate.fingerprint256,
      settings: { pop3Delete: { kind: 'after-download' } },
    });
    const error = await sync(f).then(
      () => null,
      (e: unknown) => e as HomingError,
    );
    expect(error).toBeInstanceOf(HomingError);
    expect(error!.code).toBe('AUTH_FAILED');
    expect(JSON.stringify({ message: error!.message, detail: error!.detail })).not.toContain('wrong-password-123');
    expect(storedPop3(f.db, f.account.id)).toEqual([]);
    expect(await onServer('afterdl')).toContain('message 50');
  });

  it('a message with raw UTF-8 and 8-bit header bytes comes byte for byte, even when deleted after download', async () => {
    // Courier's pop3d announces UTF8 (RFC 6856) and, to a client that did not send UTF8, hands out such a
    // message wrapped in one of its own ("Cannot display Unicode content", the original as message/global).
    // Homing stored the wrapper and, after download, the server's copy was gone.
    const raw = Buffer.concat([
      Buffer.from('From: =?utf-8?q?Ren=C3=A9?= <rene@example.org>\r\nTo: bob@example.org\r\nSubject: Réunion à Zürich\r\n'),
      Buffer.from([0x58, 0x2d, 0x4e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a]), // "X-Name: caf\xe9" (latin1)
      Buffer.from('Message-ID: <eightbit@homing.test>\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\nÇa va ?\r\n'),
    ]);
    await server.append('eightbit', 'INBOX', [{ raw }]);
    const f = await fixture('eightbit', { kind: 'after-download' });
    expect(await sync(f)).toEqual({ added: 1 });
    const stored = storedPop3(f.db, f.account.id);
    expect(stored.map((m) => m.subject)).toEqual(['Réunion à Zürich']);
    expect(sha(stored[0]!.raw)).toBe(sha(raw));
    expect(await onServer('eightbit')).toEqual([]);
  });

  it('headers only over the size limit (TOP), completed on demand with the exact bytes', async () => {
    const big = testMessage(1, Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(60)}`).join('\r\n') + '\r\n');
    await deliver('partial', [big, testMessage(2)]);
    const f = await fixture('partial', { kind: 'after-download' }, { maxKb: 4 });
    expect(await sync(f)).toEqual({ added: 2 });
    const partial = storedPop3(f.db, f.account.id).find((m) => m.subject === 'message 1')!;
    expect(partial.bodyStatus).toBe('partial');
    expect(partial.raw.toString()).toContain('Subject: message 1');
    expect(partial.raw.toString()).not.toContain('line 199 ');
    expect(await onServer('partial')).toEqual(['message 1']);
    await f.engine.completeMessage!(f.context(), partial.id);
    const completed = storedPop3(f.db, f.account.id).find((m) => m.id === partial.id)!;
    expect(completed.bodyStatus).toBe('full');
    expect(sha(completed.raw)).toBe(sha(big));
    expect(await onServer('partial')).toEqual([]);
  });

  /** RETR of message `msgno` over POP3S by a client that never sends UTF8 (as Homing before 3a99774). */
  function retrWithoutUtf8(user: string, msgno: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: server.ports.pop3s, rejectUnauthorized: false });
      const script = [`USER ${user}`, `PASS ${user}-secret`, `RETR ${msgno}`, 'QUIT'];
      let data = Buffer.alloc(0);
      let answered = 0;
      socket.on('data', (chunk: Buffer) => {
        data = Buffer.concat([data, chunk]);
        // Courier drops commands pipelined behind USER/PASS: one at a time, each after its answer.
        const ends = answered === 3 ? data.indexOf('\r\n.\r\n') : data.indexOf('\r\n', data.lastIndexOf('+OK') === -1 ? 0 : data.lastIndexOf('+OK'));
        if (ends === -1 || data.lastIndexOf('+OK') === -1) return;
        if (answered === 3) {
          const body = data.subarray(data.indexOf('\r\n', data.lastIndexOf('+OK')) + 2, ends + 2);
          socket.end('QUIT\r\n');
          resolve(Buffer.from(body.toString('latin1').replace(/^\.\./gm, '.'), 'latin1'));
          return;
        }
        if (answered < 3) socket.write(`${script[answered]}\r\n`);
        answered++;
        data = answered === 3 ? data.subarray(data.length) : data;
      });
      socket.on('error', reject);
    });
  }

  it.runIf(kind === 'courier')(
    "mail stored as Courier's 'Cannot display Unicode content' wrapper (before UTF8 mode) is downloaded again in place: the server's bytes, its flags and folder kept",
    async () => {
      const raw = Buffer.concat([
        Buffer.from('From: =?utf-8?q?Ren=C3=A9?= <rene@example.org>\r\nTo: bob@example.org\r\nSubject: Réunion à Zürich\r\n'),
        Buffer.from('Message-ID: <rewrap@homing.test>\r\nDate: Mon, 1 Jan 2024 09:00:00 +0000\r\n\r\nÇa va ? Rendez-vous au Bahnhofplatz.\r\n'),
      ]);
      await server.append('rewrap', 'INBOX', [{ raw }, { raw: Buffer.from(testMessage(2)) }]);
      const wrapper = await retrWithoutUtf8('rewrap', 1);
      expect(wrapper.toString()).toContain('Subject: Cannot display Unicode content');

      // What Homing stored before UTF8 mode: the wrapper under the original's UIDL, then read, flagged and tagged.
      const f = await fixture('rewrap');
      expect(await sync(f)).toEqual({ added: 2 });
      const original = storedPop3(f.db, f.account.id).find((m) => m.subject === 'Réunion à Zürich')!;
      const parsed = await parseMessage({ kind: 'buffer', bytes: wrapper });
      writeTransaction(f.db, (changes) => replaceStoredSource(f.db, changes, original.id, { source: { kind: 'buffer', bytes: wrapper }, parsed, encoded: null }));
      f.db.sqlite.prepare(`UPDATE messages SET seen = 1, flagged = 1, keywords = '["work"]' WHERE id = ?`).run(original.id);
      const folderId = (f.db.sqlite.prepare('SELECT folder_id FROM messages WHERE id = ?').get(original.id) as { folder_id: number }).folder_id;
      expect(storedPop3(f.db, f.account.id).find((m) => m.id === original.id)!.subject).toBe('Cannot display Unicode content');

      // Deleting after 0 days: the pass repairs first, then deletes with the original stored.
      f.setSettings({ pop3Delete: { kind: 'after-days', days: 0 } });
      expect(await sync(f)).toEqual({ added: 0 });
      const repaired = storedPop3(f.db, f.account.id);
      expect(repaired).toHaveLength(2);
      const row = repaired.find((m) => m.id === original.id)!;
      expect(row.subject).toBe('Réunion à Zürich');
      expect(row.messageId).toBe('<rewrap@homing.test>');
      expect(sha(row.raw)).toBe(sha(raw));
      expect(f.db.sqlite.prepare('SELECT seen, flagged, keywords, folder_id, date, from_address FROM messages WHERE id = ?').get(original.id)).toEqual({
        seen: 1,
        flagged: 1,
        keywords: '["work"]',
        folder_id: folderId,
        date: Date.parse('2024-01-01T09:00:00Z'),
        from_address: 'rene@example.org',
      });
      expect(listMailboxIds(f.db, { folderId }, 'date-desc')).toContain(original.id);
      expect(searchMessages(f.db, 'Bahnhofplatz', { limit: 10 }).hits.map((m) => m.id)).toEqual([original.id]);
      expect(await onServer('rewrap')).toEqual([]);
    },
  );
});
