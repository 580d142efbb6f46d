import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summariesByIds } from '../../electron/store/message-summaries';
import { listPendingOperations } from '../../electron/store/operation-queue';
import { imapEngine } from '../../electron/sync/imap/imap-engine';
import { createActionWrites } from '../../electron/sync/writes/action-writes';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { corpusMessage } from '../helpers/imap-corpus';
import { deliverMany, imapFixture, type ImapFixture, secondClient, serverState, storedMessages, storeState } from '../helpers/imap-sync';

/**
 * Dovecot's ACL plugin with per-folder ACL files (vfile): a folder whose file gives its owner only
 * `lr` (lookup, read) is opened [READ-ONLY], and Dovecot answers NO to a STORE there. A real server
 * refusing a flag change, as a shared or archived folder does.
 */
const ACL_CONFIG = `mail_plugins = $mail_plugins acl
protocol imap {
  mail_plugins = $mail_plugins acl imap_acl
}
plugin {
  acl = vfile
}
`;

describe('IMAP: a flag change the server refuses on a mixed selection (issue 24, item 8)', () => {
  let server: DovecotServer;
  let fx: ImapFixture;

  beforeAll(async () => {
    server = await startDovecot({ extraConfig: ACL_CONFIG });
    await deliverMany(server, 'alice', [
      { folder: 'Archive', raw: corpusMessage(1), flags: ['\\Seen'] },
      { folder: 'Archive', raw: corpusMessage(2), flags: ['\\Flagged'] },
      { folder: 'Archive', raw: corpusMessage(3), flags: [] },
      { raw: corpusMessage(4), flags: [] },
    ]);
    fx = await imapFixture(server);
    await imapEngine.syncOnce(fx.context());
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('rolls each row back to its own previous state, reports the refusal, and the store ends equal to the server', async () => {
    const actions = createActionWrites(fx.writer, fx.runtime);
    const archive = storedMessages(fx.db, fx.account.id).filter((m) => m.folder === 'Archive');
    const [readOnly, flaggedOnly, neither] = archive.map((m) => m.id);
    const [inInbox] = storedMessages(fx.db, fx.account.id)
      .filter((m) => m.folder === 'INBOX')
      .map((m) => m.id);
    // Archive becomes read-only for its owner: SELECT says [READ-ONLY], STORE gets NO.
    await writeFile(join(server.maildir('alice'), '.Archive', 'dovecot-acl'), 'owner lr\n');

    // One action on four messages in two folders: read and flagged, each from its own state.
    await actions.markMessages({ ids: [readOnly!, flaggedOnly!, neither!, inInbox!], seen: true, flagged: true });
    const marked = summariesByIds(fx.db, [readOnly!, flaggedOnly!, neither!, inInbox!]);
    expect(marked.map((m) => [m.seen, m.flagged])).toEqual([
      [true, true],
      [true, true],
      [true, true],
      [true, true],
    ]);

    const outcome = await fx.runtime.syncOne(fx.account, new AbortController().signal);
    expect(outcome.error).toBeNull();
    const [op] = listPendingOperations(fx.db, fx.account.id);
    expect(op).toMatchObject({ kind: 'flags', state: 'refused', error: { code: 'OPERATION_REFUSED' } });
    // INBOX took the change (it left the operation); the three Archive messages are what is refused.
    expect(op!.messageIds.sort()).toEqual([readOnly, flaggedOnly, neither].sort());

    // Every Archive row is back to its own state from before, not to one value for all.
    const after = summariesByIds(fx.db, [readOnly!, flaggedOnly!, neither!, inInbox!]);
    expect(after.map((m) => ({ seen: m.seen, flagged: m.flagged, pending: m.pendingState }))).toEqual([
      { seen: true, flagged: false, pending: 'refused' },
      { seen: false, flagged: true, pending: 'refused' },
      { seen: false, flagged: false, pending: 'refused' },
      { seen: true, flagged: true, pending: null },
    ]);
    const other = await secondClient(server);
    try {
      expect(storeState(fx.db, fx.account.id)).toEqual(await serverState(other));
    } finally {
      await other.logout().catch(() => other.close());
    }

    // Discarded, it leaves nothing behind; the next pass finds the store still equal to the server.
    await actions.discardPendingOperation({ id: op!.id });
    expect(listPendingOperations(fx.db, fx.account.id)).toEqual([]);
    expect((await fx.runtime.syncOne(fx.account, new AbortController().signal)).error).toBeNull();
    const check = await secondClient(server);
    try {
      expect(storeState(fx.db, fx.account.id)).toEqual(await serverState(check));
    } finally {
      await check.logout().catch(() => check.close());
    }
  });
});
