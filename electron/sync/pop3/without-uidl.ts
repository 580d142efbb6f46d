import { HomingError } from '../../../shared/errors';
import { hashSource } from '../../store/message-sources';
import type { MessageSource } from '../../store/message-source';
import { durably, recordDeleSent, recordServerGone } from '../../store/pop3-state';
import { writeTransaction } from '../../store/write-transaction';
import type { SyncEngineContext, SyncPassResult } from '../engine';
import { diskFullAfter } from '../disk-full';
import { downloadMessages, planOf } from './download-messages';
import { POP3_INBOX_PATH } from './inbox-folder';
import { POP3_SYNC_LIMITS } from './limits';
import type { Pop3Client } from '../../protocols/pop3/pop3-client';
import type { ListEntry } from '../../protocols/pop3/commands/list';
import { commitMessages, type ReadyMessage, readyMessage } from './store-message';
import type { DownloadItem } from './sync-plan';

/**
 * A server without UIDL (RFC 1939 makes it optional) cannot say which messages Homing already has:
 * message numbers change from one session to the next. The safe fallback:
 * - every message is downloaded and keyed by the SHA-256 of its bytes ("sha256 <hex>": a space can never
 *   appear in a real UIDL, so the two cannot collide), so nothing is stored twice;
 * - with "delete right after download" each stored message is DELE'd and QUIT removes them: that policy
 *   works fully (a crash before QUIT just downloads the same bytes again, recognised by their hash);
 * - under any other policy nothing is deleted and the pass ends with POP3_NO_UIDL, which says why
 *   "leave on server", "after N days" and "when deleted locally" cannot work here. The size limit is not
 *   applied either: a partial message could never be completed without a stable id.
 */
export async function syncWithoutUidl(
  ctx: SyncEngineContext,
  client: Pop3Client,
  options: { folderId: number; sizes: readonly ListEntry[]; tempDir: string },
): Promise<SyncPassResult> {
  const accountId = ctx.account.id;
  const policy = ctx.account.settings.pop3Delete;
  const items: DownloadItem[] = options.sizes.map((s) => ({ msgno: s.msgno, uidl: '', size: s.size, mode: 'full' as const })).sort((a, b) => b.msgno - a.msgno);
  const stored: Array<{ msgno: number; key: string }> = [];
  const msgnoOf = new Map<ReadyMessage, number>();
  const total = items.length;
  ctx.progress({ phase: 'bodies', folder: POP3_INBOX_PATH, done: 0, total });
  const outcome = await downloadMessages({
    client,
    plan: planOf(items),
    tempDir: options.tempDir,
    signal: ctx.signal,
    ready: async (item, source) => {
      const ready = await readyMessage(contentKey(source), source, 'full');
      msgnoOf.set(ready, item.msgno);
      return ready;
    },
    commit: (batch) => {
      const results = commitMessages(ctx.writer, { accountId, folderId: options.folderId }, batch, { arrival: true });
      for (const ready of batch) stored.push({ msgno: msgnoOf.get(ready)!, key: ready.uidl });
      return results.filter((r) => r.inserted).length;
    },
    progress: (done) => ctx.progress({ phase: 'bodies', folder: POP3_INBOX_PATH, done, total }),
  });
  if (ctx.signal.aborted) throw new HomingError('CANCELLED', 'The POP3 download was stopped; what was stored stays, nothing was deleted on the server.');
  try {
    return await afterDownload(ctx, client, policy, stored, outcome);
  } catch (error) {
    throw diskFullAfter(error, { messages: outcome.added });
  }
}

async function afterDownload(
  ctx: SyncEngineContext,
  client: Pop3Client,
  policy: SyncEngineContext['account']['settings']['pop3Delete'],
  stored: ReadonlyArray<{ msgno: number; key: string }>,
  outcome: { added: number; done: number },
): Promise<SyncPassResult> {
  const { db } = ctx.writer;
  const accountId = ctx.account.id;
  if (policy.kind === 'after-download' && stored.length > 0) {
    const keys = stored.map((s) => s.key);
    durably(db, () => writeTransaction(db, () => recordDeleSent(db, accountId, keys, Date.now())));
    const accepted: string[] = [];
    for (let start = 0; start < stored.length; start += POP3_SYNC_LIMITS.deleBatch) {
      const batch = stored.slice(start, start + POP3_SYNC_LIMITS.deleBatch);
      const results = await Promise.allSettled(batch.map((s) => client.dele(s.msgno)));
      results.forEach((result, i) => {
        if (result.status === 'fulfilled') accepted.push(batch[i]!.key);
        else if (client.state === 'CLOSED') throw result.reason;
      });
    }
    await client.quit();
    writeTransaction(db, (changes) => recordServerGone(db, changes, accountId, accepted, Date.now()));
    return { added: outcome.added };
  }
  await client.quit();
  if (policy.kind === 'after-download') return { added: outcome.added };
  throw new HomingError(
    'POP3_NO_UIDL',
    `${ctx.account.host} cannot identify messages (it has no UIDL), so "${describePolicy(policy.kind)}" cannot work: Homing cannot tell which ` +
      'messages it already has, so every check downloads the whole mailbox again (nothing is stored twice) and nothing is ever deleted on the ' +
      'server. Choose "delete from the server right after download" for this account, or ask your provider to enable UIDL.',
    {
      policy: policy.kind,
      workingPolicies: ['after-download'],
      unsupportedPolicies: ['never', 'after-days', 'when-deleted-locally'],
      downloaded: outcome.done,
      added: outcome.added,
    },
  );
}

function contentKey(source: MessageSource): string {
  return `sha256 ${hashSource(source).hash}`;
}

function describePolicy(kind: string): string {
  switch (kind) {
    case 'never':
      return 'leave messages on the server';
    case 'after-days':
      return 'delete from the server after some days';
    case 'when-deleted-locally':
      return 'delete from the server when deleted here';
    default:
      return kind;
  }
}
