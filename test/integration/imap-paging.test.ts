import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listAccountFolders } from '../../electron/store/folders';
import { removeExpunged } from '../../electron/store/imap-state';
import { writeTransaction } from '../../electron/store/write-transaction';
import { imapEngine } from '../../electron/sync/imap/imap-engine';
import { imapLimits } from '../../electron/sync/imap/limits';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { deliverMany, imapFixture, type ImapFixture, secondClient, serverState, storedMessages, storeState } from '../helpers/imap-sync';
import { corpusMessage } from '../helpers/imap-corpus';

/** As in imap-sync.test.ts: the same Dovecot advertising none of CONDSTORE, QRESYNC, MOVE, UIDPLUS, LIST-STATUS. */
const PLAIN_CAPABILITIES =
  'imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ SORT THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN NAMESPACE LIST-EXTENDED I18NLEVEL=1 ESEARCH SEARCHRES WITHIN SPECIAL-USE';

/**
 * The index and body phases go through a folder in pieces (flags applied a chunk at a time as FETCH FLAGS
 * answers, header batches as views of one UID list, the body phase's rows read a page at a time below the
 * last UID of the page before). With the limits made
 * tiny, a 23-message folder is many pieces of each: every message must still arrive once, whole, with
 * its flags, and later passes must follow expunges, new mail and flag changes through the UID diff.
 */
const SMALL: Partial<Record<keyof typeof imapLimits, number>> = {
  flagChunk: 3,
  firstHeaderBatch: 2,
  headerBatch: 3,
  bodyRowsPage: 4,
  bodyBatch: 2,
  bodyCommitEvery: 2,
  // corpusMessage(i) with i % 8 === 7 is the largest kind: streamed to a file, between two pages' batches.
  streamThresholdBytes: 1500,
};

describe.each([
  ['with CONDSTORE and QRESYNC', ''],
  ['without them (all flags, UID SEARCH ALL diff)', PLAIN_CAPABILITIES],
])('IMAP sync of a folder larger than every batch and page, %s', (_name, extraConfig) => {
  let server: DovecotServer;
  let fx: ImapFixture;
  const saved: Record<string, number> = {};
  const limits = imapLimits as unknown as Record<string, number>;

  beforeAll(async () => {
    server = await startDovecot({ extraConfig });
    await deliverMany(
      server,
      'alice',
      Array.from({ length: 23 }, (_, i) => ({ raw: corpusMessage(i), flags: i % 3 === 0 ? ['\\Seen'] : i % 4 === 0 ? ['\\Flagged'] : [] })),
    );
    fx = await imapFixture(server);
  });
  afterAll(async () => {
    await server?.destroy();
  });
  beforeEach(() => {
    for (const [key, value] of Object.entries(SMALL)) {
      saved[key] = limits[key]!;
      limits[key] = value;
    }
  });
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) limits[key] = value;
  });

  it('stores every message once, whole, with its flags; a second pass adds nothing', async () => {
    const result = await imapEngine.syncOnce(fx.context());
    expect(result.added).toBe(23);
    const stored = storedMessages(fx.db, fx.account.id);
    expect(stored).toHaveLength(23);
    expect(stored.every((m) => m.bodyStatus === 'full')).toBe(true);
    const other = await secondClient(server);
    try {
      expect(storeState(fx.db, fx.account.id)).toEqual(await serverState(other));
    } finally {
      await other.logout();
    }
    expect((await imapEngine.syncOnce(fx.context())).added).toBe(0);
    expect(storedMessages(fx.db, fx.account.id)).toEqual(stored);
  });

  it('follows expunges, new mail and flag changes, and fetches again a row the store lost, through the complete UID diff', async () => {
    const other = await secondClient(server);
    try {
      for (let i = 0; i < 5; i++) await other.append('INBOX', corpusMessage(500 + i), i === 0 ? ['\\Seen'] : []);
      const lock = await other.getMailboxLock('INBOX');
      try {
        await other.messageDelete('2,5:7', { uid: true });
        await other.messageFlagsAdd('8:12', ['\\Flagged', '$Label1'], { uid: true });
        await other.messageFlagsRemove('1:9', ['\\Seen'], { uid: true });
      } finally {
        lock.release();
      }
      // A row an earlier, cut-off sync would have missed, and a forgotten UIDNEXT: the pass must list the
      // server's whole UID set and diff it with ours (missing here: UID 3; gone there: 2, 5, 6, 7).
      const inbox = listAccountFolders(fx.db, fx.account.id).find((f) => f.path === 'INBOX')!;
      writeTransaction(fx.db, (c) => removeExpunged(fx.db, c, fx.account.id, inbox.id, inbox.uidvalidity!, [3]));
      fx.db.sqlite.prepare('UPDATE folders SET uidnext = NULL WHERE id = ?').run(inbox.id);

      const result = await imapEngine.syncOnce(fx.context());
      expect(result.added).toBe(6);
      expect(storeState(fx.db, fx.account.id)).toEqual(await serverState(other));
      expect(storedMessages(fx.db, fx.account.id).every((m) => m.bodyStatus === 'full')).toBe(true);
      expect((await imapEngine.syncOnce(fx.context())).added).toBe(0);
    } finally {
      await other.logout();
    }
  });
});
