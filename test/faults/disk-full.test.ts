import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncOutcome } from '../../shared/contract/sync';
import { toErrorData } from '../../shared/errors';
import type { WriteDb } from '../../electron/store/db';
import { closeDb, openReadDb } from '../../electron/store/open';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { faultMailbox, largeMessage } from '../helpers/fault-mailbox';
import { disposeStore, imapPass } from '../helpers/fault-sync';
import { corpusMessage } from '../helpers/imap-corpus';
import { deliverMany, imapFixture, secondClient, serverState, storeState } from '../helpers/imap-sync';
import { deliverMany as deliverToInbox, maildirFiles, pop3Fixture } from '../helpers/pop3-fixture';
import { duplicatesIn, type DumpRow, storeDump } from '../helpers/store-dump';

/**
 * A disk that fills during a sync, as SQLite sees it: `PRAGMA max_page_count` on the write connection
 * caps the database a few pages above its size, so the next commits fail with SQLITE_FULL (what a full
 * disk gives). The pass must end with DISK_FULL (not INTERNAL), everything committed before must still
 * be there byte for byte, the database must open and pass integrity_check, and once there is room again
 * the next pass completes to the server's state.
 */

/** Room left, in bytes (pages of whatever size the database has): some commits fit, one of the larger ones does not. */
const ROOM_BYTES = 96 * 1024;
const UNLIMITED = 1_073_741_823;

/** More mail after the first sync: a few large messages, so the new batch needs far more room than there is. */
const secondBatch = (base: number) =>
  Array.from({ length: 16 }, (_, i) => (i % 4 === 0 ? largeMessage(base + i, 96) : corpusMessage(base + i, { subject: `after the first sync ${i}` })));

function fill(db: WriteDb): { pages: number; limit: number } {
  const pages = db.sqlite.pragma('page_count', { simple: true }) as number;
  const pageSize = db.sqlite.pragma('page_size', { simple: true }) as number;
  const limit = db.sqlite.pragma(`max_page_count = ${pages + Math.ceil(ROOM_BYTES / pageSize)}`, { simple: true }) as number;
  return { pages, limit };
}

/** Opens the file again on its own connection (as the app would after a restart) and checks it. */
function integrity(path: string): string {
  const db = openReadDb(path);
  try {
    return db.sqlite.pragma('integrity_check', { simple: true }) as string;
  } finally {
    closeDb(db);
  }
}

/** Every row committed before is still there, unchanged (bytes, flags, place). */
function missingFrom(after: DumpRow[], before: DumpRow[]): DumpRow[] {
  const now = new Set(after.map((r) => JSON.stringify(r)));
  return before.filter((r) => !now.has(JSON.stringify(r)));
}

describe('a disk that fills during a sync', () => {
  let server: DovecotServer;

  beforeAll(async () => {
    server = await startDovecot({
      users: [
        { name: 'alice', password: 'alice-secret' },
        { name: 'bob', password: 'bob-secret' },
      ],
    });
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('IMAP: DISK_FULL, committed mail intact, integrity_check ok; with room again the sync completes', async () => {
    await deliverMany(server, 'alice', faultMailbox({ folders: true }));
    const fx = await imapFixture(server);
    try {
      expect((await imapPass(fx)).error).toBeNull();
      const before = storeDump(fx.db, fx.account.id);
      await deliverMany(server, 'alice', secondBatch(7000).map((raw, i) => ({ raw, folder: i % 2 ? 'INBOX' : 'Archive' })));

      const { pages, limit } = fill(fx.db);
      const full = await imapPass(fx);
      expect(full.error?.code, full.error?.message).toBe('DISK_FULL');
      const after = storeDump(fx.db, fx.account.id);
      expect(missingFrom(after, before)).toEqual([]);
      expect(duplicatesIn(after)).toEqual([]);
      expect(integrity(fx.db.path)).toBe('ok');

      fx.db.sqlite.pragma(`max_page_count = ${UNLIMITED}`);
      expect((await imapPass(fx)).error).toBeNull();
      const other = await secondClient(server);
      try {
        expect(storeState(fx.db, fx.account.id)).toEqual(await serverState(other));
      } finally {
        await other.logout().catch(() => other.close());
      }
      const final = storeDump(fx.db, fx.account.id);
      console.log(
        `IMAP disk full: limit ${limit} pages (${pages} used), pass ended ${full.error!.code} with ${after.length - before.length} of ` +
          `${final.length - before.length} new messages stored; ${before.length} earlier messages intact; integrity ok; ${final.length} messages checked after room was freed`,
      );
    } finally {
      disposeStore(fx);
    }
  });

  it('POP3: DISK_FULL, committed mail intact, integrity_check ok; with room again the sync completes', async () => {
    deliverToInbox(server, 'bob', faultMailbox({ folders: false }).map((m) => m.raw));
    const fx = await pop3Fixture({
      port: server.ports.pop3s,
      security: 'tls',
      user: 'bob',
      password: 'bob-secret',
      trustedFingerprint: server.certificate.fingerprint256,
    });
    const pass = async (): Promise<SyncOutcome> => {
      try {
        const result = await fx.engine.syncOnce(fx.context());
        return { accountId: fx.account.id, ok: true, error: null, added: result.added };
      } catch (error) {
        const data = toErrorData(error);
        return { accountId: fx.account.id, ok: false, error: { code: data.code, message: data.message }, added: 0 };
      }
    };
    try {
      expect((await pass()).error).toBeNull();
      const before = storeDump(fx.db, fx.account.id);
      deliverToInbox(server, 'bob', secondBatch(8000));

      const { pages, limit } = fill(fx.db);
      const full = await pass();
      expect(full.error?.code, full.error?.message).toBe('DISK_FULL');
      const after = storeDump(fx.db, fx.account.id);
      expect(missingFrom(after, before)).toEqual([]);
      expect(duplicatesIn(after)).toEqual([]);
      expect(integrity(fx.db.path)).toBe('ok');

      fx.db.sqlite.pragma(`max_page_count = ${UNLIMITED}`);
      expect((await pass()).error).toBeNull();
      const final = storeDump(fx.db, fx.account.id);
      expect(duplicatesIn(final)).toEqual([]);
      const onServer = maildirFiles(server.maildir('bob')).map((f) => createHash('sha256').update(f.raw).digest('hex'));
      expect(final.map((r) => r.sha256).sort()).toEqual(onServer.sort());
      console.log(
        `POP3 disk full: limit ${limit} pages (${pages} used), pass ended ${full.error!.code} with ${after.length - before.length} of ` +
          `${final.length - before.length} new messages stored; ${before.length} earlier messages intact; integrity ok; ${final.length} messages checked after room was freed`,
      );
    } finally {
      disposeStore(fx);
    }
  });
});
