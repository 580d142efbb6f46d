import type { ExistsEvent, ExpungeEvent, FlagsEvent } from 'imapflow';
import { HomingError } from '../../../shared/errors';
import { findFolderByPath } from '../../store/folders';
import { jittered } from '../backoff';
import type { SyncEngineContext, WatchOptions } from '../engine';
import { withAccountLock } from '../account-lock';
import { runPass } from './account-pass';
import { fetchFolderBodies } from './folder-bodies';
import { indexFolder } from './folder-index';
import { syncFolderList } from './folder-list';
import type { ImapConnection } from '../../protocols/imap/imap-connection';
import { connectAccount, createPass } from './imap-pass';
import { imapConnectionLimits } from '../../protocols/imap/limits';
import { imapLimits } from './limits';
import { replayPending } from './ops/replay-pending';
import { hasQueuedOperations } from '../../store/operation-queue';
import { selectFolder } from './ops/select-folder';


/** Resolves the current waiter, if any; a wake with no waiter is remembered for the next wait. */
class Wakeup {
  private pending = false;
  private resolve: (() => void) | null = null;
  wake = () => {
    if (this.resolve) {
      this.resolve();
      this.resolve = null;
    } else {
      this.pending = true;
    }
  };
  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.resolve = null;
        resolve();
      }, Math.max(0, ms));
      this.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** A NOOP that must be answered in time: the proof that an IDLE connection is still alive (imapflow #14, #98). */
async function noopWithin(connection: ImapConnection, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      connection.close();
      reject(new HomingError('TIMEOUT', `${connection.host}:${connection.port} stopped answering (no reply to NOOP during IDLE).`));
    }, ms);
  });
  try {
    await Promise.race([connection.client.noop(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Keeps an account current over one connection until `ctx.signal` aborts or the connection dies (then it
 * rejects with the reason, and the runtime reconnects with backoff on a new connection). INBOX is
 * watched with IDLE (RFC 2177): an EXISTS, EXPUNGE or FETCH from the server wakes us and INBOX is synced
 * at once. IDLE is broken every `idleCheckMs` by a NOOP that must be answered, which both re-issues it
 * before servers' 30-minute limit and detects a dead connection; other folders are polled every
 * `pollMs`; queued user actions are replayed as soon as the runtime nudges.
 */
export async function watchAccount(ctx: SyncEngineContext, options: WatchOptions = {}): Promise<void> {
  const idleCheckMs = options.idleCheckMs ?? imapLimits.idleCheckMs;
  const noopTimeoutMs = options.noopTimeoutMs ?? imapConnectionLimits.noopTimeoutMs;
  const pollMs = () => options.pollMs ?? jittered(ctx.account.settings.checkIntervalMinutes * 60_000);
  const accountId = ctx.account.id;
  const connection = await connectAccount(ctx);
  const pass = createPass(ctx, connection);
  const { client } = connection;
  const wakeup = new Wakeup();

  let inboxDirty = true;
  let replayDue = true;
  let pollAt = Date.now() + pollMs();
  const onInbox = (event: ExistsEvent | ExpungeEvent | FlagsEvent) => {
    if (event.path.toUpperCase() !== 'INBOX') return;
    inboxDirty = true;
    wakeup.wake();
  };
  client.on('exists', onInbox);
  client.on('expunge', onInbox);
  client.on('flags', onInbox);
  const stopNudges = ctx.onNudge?.(() => {
    replayDue = true;
    wakeup.wake();
  });
  ctx.signal.addEventListener('abort', wakeup.wake, { once: true });
  void connection.closed.then(wakeup.wake);

  try {
    while (!ctx.signal.aborted) {
      if (!connection.usable) throw (await connection.closed) ?? new HomingError('CONNECTION_LOST', 'The IMAP connection closed.');
      if (replayDue) {
        replayDue = false;
        const replayed = await withAccountLock(accountId, () => replayPending(pass));
        // A flag change on a folder recreated on the server waits for that folder's sync: poll now.
        if (replayed.folderSyncDue) pollAt = 0;
      }
      if (Date.now() >= pollAt) {
        await withAccountLock(accountId, () => runPass(pass));
        pollAt = Date.now() + pollMs();
        inboxDirty = false;
      }
      if (inboxDirty) {
        inboxDirty = false;
        await withAccountLock(accountId, async () => {
          let inbox = findFolderByPath(pass.db, accountId, 'INBOX');
          if (!inbox) {
            await syncFolderList(pass);
            inbox = findFolderByPath(pass.db, accountId, 'INBOX');
          }
          if (!inbox) return;
          await indexFolder(pass, inbox.id, null);
          await fetchFolderBodies(pass, inbox.id);
          // Mail rules and the junk filter may have queued moves and flags for the new mail.
          if (hasQueuedOperations(pass.db, accountId)) await replayPending(pass);
        });
      }
      if (ctx.signal.aborted || replayDue || inboxDirty) continue;

      if (!client.mailbox || client.mailbox.path !== 'INBOX') await selectFolder(connection, 'INBOX', { readOnly: true });
      ctx.progress({ phase: 'watching', folder: 'INBOX' });
      // IDLE can end without us: imapflow ends it with a keepalive NOOP whenever the socket has been quiet
      // for its socket timeout (a minute, far less than idleCheckMs) and, auto-IDLE being off, does not
      // start it again. Waking here re-issues it at once; left alone the connection pushed nothing more and
      // the next quiet minute timed it out (a reconnect every two minutes, mail waiting while "Live").
      let breakingIdle = false;
      const idling = client
        .idle()
        .catch(() => false)
        .finally(() => {
          if (!breakingIdle) wakeup.wake();
        });
      await wakeup.wait(Math.min(idleCheckMs, pollAt - Date.now()));
      breakingIdle = true;
      if (ctx.signal.aborted) break;
      if (!connection.usable) continue;
      // Any command ends IDLE (imapflow sends DONE first); the NOOP also proves the server is still there.
      await noopWithin(connection, noopTimeoutMs);
      await idling;
    }
  } catch (error) {
    if (ctx.signal.aborted) return;
    throw connection.mapError(error);
  } finally {
    client.off('exists', onInbox);
    client.off('expunge', onInbox);
    client.off('flags', onInbox);
    stopNudges?.();
    ctx.signal.removeEventListener('abort', wakeup.wake);
    await connection.logout();
  }
}
