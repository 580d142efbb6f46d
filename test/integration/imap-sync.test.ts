import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAccountFolders } from '../../electron/store/folders';
import { connectImap } from '../../electron/protocols/imap/imap-connection';
import { imapEngine } from '../../electron/sync/imap/imap-engine';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import {
  deliverMany,
  imapFixture,
  type ImapFixture,
  secondClient,
  serverFiles,
  serverState,
  sha256,
  storedHashes,
  storedMessages,
  storeState,
} from '../helpers/imap-sync';
import { corpusMessage } from '../helpers/imap-corpus';

const FOLDERS: Array<{ path: string; count: number }> = [
  { path: 'INBOX', count: 120 },
  { path: 'Sent', count: 40 },
  { path: 'Archive/2020', count: 40 },
  { path: 'Données/Été', count: 30 },
  { path: 'Работа', count: 30 },
  { path: 'Trash', count: 10 },
];

const flagsFor = (i: number) =>
  [i % 3 === 0 && '\\Seen', i % 5 === 0 && '\\Flagged', i % 11 === 0 && '\\Answered', i % 13 === 0 && '\\Draft'].filter(
    (f): f is string => Boolean(f),
  );

/**
 * Dovecot as configured by default (CONDSTORE, QRESYNC, MOVE, UIDPLUS, LIST-STATUS), and the same server
 * advertising none of them after login, as older or simpler servers do: the fallbacks (all flags, UID set
 * diff, COPY + STORE + EXPUNGE, STATUS per folder) must reach the same store.
 */
const PLAIN_CAPABILITIES =
  'imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ SORT THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN NAMESPACE LIST-EXTENDED I18NLEVEL=1 ESEARCH SEARCHRES WITHIN SPECIAL-USE';

describe.each([
  ['with CONDSTORE, QRESYNC, MOVE and UIDPLUS', ''],
  ['with none of CONDSTORE, QRESYNC, MOVE, UIDPLUS, LIST-STATUS', PLAIN_CAPABILITIES],
])('IMAP sync against a real Dovecot %s', (_name, extraConfig) => {
  let server: DovecotServer;
  let fx: ImapFixture;
  let total = 0;

  beforeAll(async () => {
    server = await startDovecot({ extraConfig });
    const items: Parameters<typeof deliverMany>[2] = [];
    let i = 0;
    for (const folder of FOLDERS) {
      for (let k = 0; k < folder.count; k++, i++) {
        items.push({ folder: folder.path, raw: corpusMessage(i, { messageId: i % 17 === 0 ? null : undefined }), flags: flagsFor(i) });
      }
    }
    // The same message in two folders is two messages.
    items.push({ folder: 'Sent', raw: corpusMessage(0), flags: [] });
    total = items.length;
    await deliverMany(server, 'alice', items);
    fx = await imapFixture(server);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('talks to a server with exactly the capabilities this case is about', async () => {
    const connection = await connectImap({
      host: '127.0.0.1',
      port: server.ports.imaps,
      security: 'tls',
      username: 'alice',
      password: 'alice-secret',
      trustedFingerprint: server.certificate.fingerprint256,
    });
    try {
      for (const capability of ['CONDSTORE', 'QRESYNC', 'MOVE', 'UIDPLUS', 'LIST-STATUS']) expect(connection.has(capability)).toBe(!extraConfig);
      expect(connection.qresync).toBe(!extraConfig);
    } finally {
      await connection.logout();
    }
  });

  it('stores every message in the right folder with the right flags and the exact bytes, and leaves \\Seen alone on the server', async () => {
    const before = new Map<string, string[]>();
    for (const folder of FOLDERS) before.set(folder.path, (await serverFiles(server, 'alice', folder.path)).map((f) => f.flags).sort());

    const result = await imapEngine.syncOnce(fx.context());
    expect(result.added).toBe(total);

    const folders = listAccountFolders(fx.db, fx.account.id);
    const byPath = new Map(folders.map((f) => [f.path, f]));
    expect(byPath.get('INBOX')?.specialUse).toBe('inbox');
    expect(byPath.get('Sent')?.specialUse).toBe('sent');
    expect(byPath.get('Trash')?.specialUse).toBe('trash');
    expect(byPath.get('Archive')?.specialUse).toBe('archive');
    expect(byPath.get('Archive/2020')).toMatchObject({ name: '2020', parentPath: 'Archive', delimiter: '/' });
    expect(byPath.get('Données/Été')).toMatchObject({ name: 'Été', parentPath: 'Données' });
    expect(byPath.get('Работа')).toBeDefined();

    // Bytes: the stored sources of each folder are exactly the server's files.
    const stored = storedHashes(fx.db, fx.account.id);
    for (const folder of FOLDERS) {
      const files = await serverFiles(server, 'alice', folder.path);
      expect(stored[folder.path], folder.path).toEqual(files.map((f) => sha256(f.bytes)).sort());
    }
    // Flags: each stored message carries its file's Maildir flags.
    const messages = storedMessages(fx.db, fx.account.id);
    expect(messages).toHaveLength(total);
    expect(messages.every((m) => m.bodyStatus === 'full' && m.uid !== null)).toBe(true);
    const byFolderHash = new Map<string, string>();
    for (const folder of FOLDERS) {
      for (const f of await serverFiles(server, 'alice', folder.path)) byFolderHash.set(`${folder.path}:${sha256(f.bytes)}`, f.flags);
    }
    const { readSource } = await import('../../electron/store/message-sources');
    for (const m of messages) {
      const flags = byFolderHash.get(`${m.folder}:${sha256(readSource(fx.db, m.id))}`);
      expect(flags, `message ${m.id} in ${m.folder}`).toBeDefined();
      expect({ seen: m.seen, flagged: m.flagged, answered: m.answered, draft: m.draft }).toEqual({
        seen: flags!.includes('S'),
        flagged: flags!.includes('F'),
        answered: flags!.includes('R'),
        draft: flags!.includes('D'),
      });
    }
    // \Seen untouched: every file's flags are what they were before the sync.
    for (const folder of FOLDERS) {
      expect((await serverFiles(server, 'alice', folder.path)).map((f) => f.flags).sort(), folder.path).toEqual(before.get(folder.path));
    }
  });

  it('stores a batch of headers oldest first, so the full-text keys of each commit ascend', () => {
    // FTS5 writes out the terms it holds whenever a transaction's next rowid is below the last one's;
    // a row's key is its date, then its id, and newest first wrote one tiny segment per message.
    // Sent (41 messages, one header batch) holds a copy of the oldest message delivered last.
    const sent = listAccountFolders(fx.db, fx.account.id).find((f) => f.path === 'Sent')!;
    const byDate = fx.db.sqlite.prepare('SELECT id FROM messages WHERE folder_id = ? ORDER BY date, uid').pluck().all(sent.id) as number[];
    expect(byDate).toHaveLength(41);
    expect(byDate).toEqual([...byDate].sort((a, b) => a - b));
  });

  it('adds nothing on a second pass', async () => {
    const before = storedMessages(fx.db, fx.account.id);
    const result = await imapEngine.syncOnce(fx.context());
    expect(result.added).toBe(0);
    expect(storedMessages(fx.db, fx.account.id)).toEqual(before);
  });

  it('follows what a second client did: new, deleted, flagged and moved messages, new, renamed and deleted folders', async () => {
    const other = await secondClient(server);
    try {
      // INBOX: two new messages, three deleted, flags changed, four moved to Archive/2020.
      await other.append('INBOX', corpusMessage(9001), ['\\Seen']);
      await other.append('INBOX', corpusMessage(9002, { messageId: null }), []);
      let lock = await other.getMailboxLock('INBOX');
      try {
        await other.messageDelete('1:3');
        await other.messageFlagsAdd('4:6', ['\\Flagged', '$Label1']);
        await other.messageFlagsRemove('7:12', ['\\Seen']);
        await other.messageFlagsAdd('13', ['\\Seen']);
        await other.messageMove('20:23', 'Archive/2020');
      } finally {
        lock.release();
      }
      // Sent: flags only.
      lock = await other.getMailboxLock('Sent');
      try {
        await other.messageFlagsAdd('1:*', ['\\Answered']);
      } finally {
        lock.release();
      }
      // Folders: a new one with mail, a renamed one, a deleted one.
      await other.mailboxCreate('Projects');
      await other.append('Projects', corpusMessage(9003), ['\\Flagged']);
      await other.mailboxRename('Работа', 'Work/Работа');
      await other.mailboxDelete('Données/Été');

      const folderIdBeforeRename = listAccountFolders(fx.db, fx.account.id).find((f) => f.path === 'Работа')!.id;
      await imapEngine.syncOnce(fx.context());
      expect(storeState(fx.db, fx.account.id)).toEqual(await serverState(other));
      const after = listAccountFolders(fx.db, fx.account.id);
      expect(after.map((f) => f.path)).not.toContain('Données/Été');
      expect(after.map((f) => f.path)).not.toContain('Работа');
      // A rename keeps the folder (and its stored mail) rather than downloading it again.
      expect(after.find((f) => f.path === 'Work/Работа')?.id).toBe(folderIdBeforeRename);
    } finally {
      await other.logout();
    }
  });
});
