import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HomingError } from '../../shared/errors';
import type { SyncStatus } from '../../shared/contract/sync';
import { imapEngine } from '../../electron/sync/imap/imap-engine';
import { watchAccount } from '../../electron/sync/imap/watch';
import { createActionWrites } from '../../electron/sync/writes/action-writes';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { type FaultProxy, startFaultProxy } from '../servers/fault-proxy';
import { deliverMany, eventually, imapFixture, type ImapFixture, secondClient, serverState, storedMessages, storeState } from '../helpers/imap-sync';
import { corpusMessage } from '../helpers/imap-corpus';

describe('IMAP push: IDLE on INBOX while watching', () => {
  let server: DovecotServer;
  let fx: ImapFixture;

  beforeAll(async () => {
    server = await startDovecot();
    await deliverMany(server, 'alice', Array.from({ length: 10 }, (_, i) => ({ raw: corpusMessage(i) })));
    fx = await imapFixture(server);
  });
  afterAll(async () => {
    await fx?.runtime.stopWatching();
    await server?.destroy();
  });

  it('shows new, flagged and expunged INBOX mail from another client without a sync, and sends local actions at once', async () => {
    fx.runtime.startWatching([fx.account.id]);
    const watching = () => fx.events.some((e) => e.event === 'syncProgressed' && (e.payload as SyncStatus).phase === 'watching');
    await eventually(watching, Boolean);
    expect(storedMessages(fx.db, fx.account.id)).toHaveLength(10);

    const other = await secondClient(server);
    try {
      const inbox = () => storedMessages(fx.db, fx.account.id).filter((m) => m.folder === 'INBOX');
      await other.append('INBOX', corpusMessage(4242), []);
      await eventually(inbox, (rows) => rows.some((m) => m.messageId === '<msg-4242@corpus.test>' && m.bodyStatus === 'full'));

      const lock = await other.getMailboxLock('INBOX');
      try {
        await other.messageFlagsAdd({ uid: '2' }, ['\\Flagged'], { uid: true });
        await eventually(inbox, (rows) => rows.find((m) => m.uid === 2)?.flagged === true);
        await other.messageDelete({ uid: '3' }, { uid: true });
        await eventually(inbox, (rows) => !rows.some((m) => m.uid === 3));
      } finally {
        lock.release();
      }

      // A local action while watching reaches the server without waiting for a poll.
      const target = inbox().find((m) => m.uid === 4)!;
      await createActionWrites(fx.writer, fx.runtime).markMessages({ ids: [target.id], seen: true });
      await eventually(
        async () => {
          const l = await other.getMailboxLock('INBOX', { readOnly: true });
          try {
            return ((await other.fetchOne('4', { flags: true }, { uid: true })) || null)?.flags?.has('\\Seen') ?? false;
          } finally {
            l.release();
          }
        },
        Boolean,
      );
      const server_ = await serverState(other);
      await eventually(() => storeState(fx.db, fx.account.id).INBOX, (rows) => JSON.stringify(rows) === JSON.stringify(server_.INBOX));
    } finally {
      await other.logout();
    }
    await fx.runtime.stopWatching();
  });

  it('survives the server going away: reports it, reconnects with backoff, and pushes again', async () => {
    fx.events.length = 0;
    fx.runtime.startWatching([fx.account.id]);
    const statuses = () => fx.events.filter((e) => e.event === 'syncProgressed').map((e) => e.payload as SyncStatus);
    await eventually(statuses, (list) => list.some((s) => s.phase === 'watching'));
    await server.stop();
    const down = await eventually(statuses, (list) => list.some((s) => s.phase === 'error'), 60_000);
    expect(down.find((s) => s.phase === 'error')?.lastError?.code).toMatch(/^(CONNECTION_LOST|CONNECTION_REFUSED)$/);
    await server.start();
    fx.events.length = 0;
    await eventually(statuses, (list) => list.some((s) => s.phase === 'watching'), 60_000);
    const other = await secondClient(server);
    try {
      await other.append('INBOX', corpusMessage(5151), []);
    } finally {
      await other.logout();
    }
    await eventually(() => storedMessages(fx.db, fx.account.id), (rows) => rows.some((m) => m.messageId === '<msg-5151@corpus.test>'), 30_000);
    await fx.runtime.stopWatching();
  });
});

describe('IMAP push: a dead IDLE connection', () => {
  let server: DovecotServer;
  let proxy: FaultProxy;
  let fx: ImapFixture;

  beforeAll(async () => {
    server = await startDovecot();
    proxy = await startFaultProxy({ host: '127.0.0.1', port: server.ports.imaps });
    fx = await imapFixture(server, { port: proxy.port });
    await imapEngine.syncOnce(fx.context());
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.destroy();
  });

  it('is noticed by the NOOP check and ends with TIMEOUT (the runtime then reconnects), not a silent hang', async () => {
    const controller = new AbortController();
    const watch = watchAccount(fx.context(controller.signal), { idleCheckMs: 300, noopTimeoutMs: 1000, pollMs: 3_600_000 });
    const watching = () => fx.events.some((e) => e.event === 'syncProgressed' && (e.payload as SyncStatus).phase === 'watching');
    await eventually(watching, Boolean);
    proxy.stallOpen();
    const error = await watch.then(
      () => null,
      (e: unknown) => e,
    );
    controller.abort();
    expect(error).toBeInstanceOf(HomingError);
    expect((error as HomingError).code).toBe('TIMEOUT');
  });
});
