import type { MethodHandlers } from '../../../shared/contract';
import type { Account } from '../../../shared/contract/accounts';
import type { ComposeContent } from '../../../shared/contract/outgoing';
import { HomingError } from '../../../shared/errors';
import { newMessageId } from '../../mime/build-message';
import { getAccount } from '../../store/accounts';
import { discardDraft, getDraft, saveDraftRow } from '../../store/drafts';
import { removeIdentity, saveIdentity } from '../../store/identities';
import {
  acknowledgeRefusals,
  confirmSent,
  deleteOutboxItem,
  findOutboxRecord,
  getOutboxRecord,
  giveUpResend,
  insertOutboxItem,
  listOutbox,
  outboxContent,
  requeue,
  toOutboxItem,
} from '../../store/outbox';
import { writeTransaction } from '../../store/write-transaction';
import { engineFor } from '../engines';
import { composeOutgoing } from '../outgoing/compose-outgoing';
import type { OutboxRunner } from '../outgoing/outbox-runner';
import type { WriterContext } from '../writer-context';

type OutgoingCommands =
  | 'saveIdentity'
  | 'removeIdentity'
  | 'saveDraft'
  | 'deleteDraft'
  | 'sendMessage'
  | 'flushOutbox'
  | 'retryOutbox'
  | 'markOutboxSent'
  | 'cancelOutbox'
  | 'giveUpOutbox'
  | 'acknowledgeOutboxRefusals';

/** Sending mail, write side: identities, drafts and the outbox, in the single writer. */
export function createOutgoingWrites(ctx: WriterContext, runner: OutboxRunner): MethodHandlers<OutgoingCommands> {
  const { db } = ctx;
  return {
    async saveIdentity({ id, accountId, ...fields }) {
      const account = getAccount(db, accountId);
      if (!engineFor(account).hasServer) throw new HomingError('INVALID_ARGUMENT', 'Local Folders does not send mail.');
      return writeTransaction(db, (changes) => saveIdentity(db, changes, accountId, id ?? null, fields));
    },

    async removeIdentity({ id }) {
      writeTransaction(db, (changes) => removeIdentity(db, changes, id));
    },

    async saveDraft({ id, content }) {
      const account = getAccount(db, content.accountId);
      if (!engineFor(account).hasServer) throw new HomingError('INVALID_ARGUMENT', 'Local Folders does not send mail.');
      const draft = writeTransaction(db, (changes) => saveDraftRow(db, changes, id ?? null, content, newDraft(account)));
      runner.schedule();
      const { messageId: _m, revision: _r, serverRevision: _s, serverCopyAt: _c, uploadStarted: _u, ...visible } = draft;
      return visible;
    },

    async deleteDraft({ id }) {
      const draft = getDraft(db, id);
      writeTransaction(db, (changes) => discardDraft(db, changes, draft));
      runner.schedule();
    },

    /**
     * Builds the message once and queues it; it goes out after the undo delay (or at `sendAt`). Nothing
     * is queued when it cannot be built (no recipient, an attachment that is gone).
     */
    async sendMessage({ content, draftId, sendAt, delaySeconds }) {
      const account = getAccount(db, content.accountId);
      if (!engineFor(account).hasServer) throw new HomingError('INVALID_ARGUMENT', 'Local Folders does not send mail.');
      if (!account.smtp) {
        throw new HomingError('NO_OUTGOING_SERVER', `${account.email} has no outgoing (SMTP) server set up, so it cannot send.`, { accountId: account.id, fix: 'check-settings' });
      }
      if (draftId !== undefined) getDraft(db, draftId);
      const message = await composeOutgoing(db, account, content);
      const delay = (delaySeconds ?? account.settings.undoSendSeconds) * 1000;
      const notBefore = sendAt ? Date.parse(sendAt) : delay > 0 ? Date.now() + delay : null;
      const record = writeTransaction(db, (changes) => {
        const inserted = insertOutboxItem(db, changes, {
          accountId: account.id,
          identityId: message.identity.id,
          messageId: message.messageId,
          subject: content.subject,
          from: message.from,
          envelopeFrom: message.envelopeFrom,
          recipients: message.recipients,
          raw: message.raw,
          notBefore,
          responseTo: content.responseTo,
          content,
        });
        if (draftId !== undefined) discardDraft(db, changes, { id: draftId, accountId: account.id });
        return inserted;
      });
      runner.schedule();
      return toOutboxItem(record);
    },

    /** The named items, or everything that waited when the flush began, as they stand after it. */
    async flushOutbox({ accountId, ids, retryWaiting }) {
      // What waits; not the filed messages the list keeps for their refused recipients (done before this flush).
      const scope = accountId ? { accountId } : {};
      const before = new Set(listOutbox(db, { ...scope, includeFiled: true }).map((r) => r.id));
      const watched = ids ?? listOutbox(db, scope).filter((r) => r.state !== 'filed').map((r) => r.id);
      await runner.flush({ ...scope, ...(ids ? { ids } : {}), retryWaiting: retryWaiting === true });
      // And the resends this flush made, for recipients the server answered "not now" (insertResend).
      const resends = listOutbox(db, scope).filter((r) => r.resendOf !== null && !before.has(r.id));
      return [...watched.map((id) => findOutboxRecord(db, id)).filter((r) => r !== null), ...resends].map(toOutboxItem);
    },

    async retryOutbox({ id }) {
      const record = getOutboxRecord(db, id);
      if (record.state !== 'failed' && record.state !== 'uncertain' && record.state !== 'queued') {
        throw new HomingError('INVALID_ARGUMENT', `Message ${id} is ${record.state}: only a queued, failed or uncertain message can be sent again.`);
      }
      writeTransaction(db, (changes) => requeue(db, changes, record));
      runner.schedule();
      return toOutboxItem(getOutboxRecord(db, id));
    },

    async markOutboxSent({ id }) {
      const record = getOutboxRecord(db, id);
      if (record.state !== 'uncertain') throw new HomingError('INVALID_ARGUMENT', `Message ${id} is ${record.state}, not “may have been sent”.`);
      writeTransaction(db, (changes) => confirmSent(db, changes, record));
      runner.schedule();
      return toOutboxItem(getOutboxRecord(db, id));
    },

    async giveUpOutbox({ id }) {
      const record = getOutboxRecord(db, id);
      if (record.resendOf === null) {
        throw new HomingError('INVALID_ARGUMENT', `Message ${id} is not a message sent to some recipients and waiting for the others; cancel it to a draft instead.`);
      }
      if (record.state !== 'queued' && record.state !== 'failed') {
        throw new HomingError('INVALID_ARGUMENT', record.state === 'sending' ? beingSent(id) : `Message ${id} was sent to them already.`);
      }
      const said = typeof record.lastError?.detail?.response === 'string' ? ` The server last said: ${record.lastError.detail.response}` : '';
      const given = writeTransaction(db, (changes) => giveUpResend(db, changes, record, `Homing stopped trying at your request.${said}`));
      if (!given) throw new HomingError('INVALID_ARGUMENT', beingSent(id));
      runner.schedule();
      return toOutboxItem(getOutboxRecord(db, id));
    },

    async acknowledgeOutboxRefusals({ id }) {
      const record = getOutboxRecord(db, id);
      if (record.rejected.length === 0) throw new HomingError('INVALID_ARGUMENT', `Message ${id} has no refused recipients.`);
      writeTransaction(db, (changes) => acknowledgeRefusals(db, changes, record));
      return toOutboxItem(getOutboxRecord(db, id));
    },

    async cancelOutbox({ id }) {
      const record = getOutboxRecord(db, id);
      if (record.state === 'sending' || record.state === 'sent' || record.state === 'filed') {
        throw new HomingError(
          'INVALID_ARGUMENT',
          record.state === 'sending' ? `Message ${id} is being sent right now; it can no longer be taken back.` : `Message ${id} was sent; it can no longer be taken back.`,
        );
      }
      const stored: ComposeContent = outboxContent(db, id);
      // A resend goes back as a draft to the recipients it was for: the others have the message.
      const content: ComposeContent = record.resendOf === null ? stored : onlyTo(stored, record.recipients);
      const account = getAccount(db, record.accountId);
      const draft = writeTransaction(db, (changes) => {
        deleteOutboxItem(db, changes, record);
        return saveDraftRow(db, changes, null, content, newDraft(account));
      });
      runner.schedule();
      return { draftId: draft.id };
    },
  };
}

/** Why a resend being tried cannot be given up: that try's answer decides (docs/cli.md, outbox give-up). */
function beingSent(id: number): string {
  return `Message ${id} is being sent right now: if the server takes it, they have it; if not, you can stop trying then.`;
}

/** What a new draft of `account` starts with: its Message-ID, and whether its copy goes to the server's Drafts. */
function newDraft(account: Account): { messageId: string; keptOnServer: boolean } {
  return { messageId: newMessageId(account.email), keptOnServer: engineFor(account).mirrorsServer };
}

/** The composed message addressed only to `addresses` (To, Cc and Bcc kept apart), without what it answered. */
function onlyTo(content: ComposeContent, addresses: string[]): ComposeContent {
  const wanted = new Set(addresses.map((a) => a.toLowerCase()));
  const keep = (list: ComposeContent['to']) => list.filter((r) => wanted.has(r.address.toLowerCase()));
  return { ...content, to: keep(content.to), cc: keep(content.cc), bcc: keep(content.bcc), responseTo: null };
}
