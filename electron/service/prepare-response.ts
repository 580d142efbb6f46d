import { LOCAL_ACCOUNT_ID } from '../../shared/contract/accounts';
import type { ComposeContent, PreparedResponse, ResponseMode } from '../../shared/contract/outgoing';
import { HomingError } from '../../shared/errors';
import { addressedIdentity, forwardSubject, forwardText, quoteText, replyRecipients, replySubject } from '../mime/response-headers';
import type { ReadDb } from '../store/db';
import { listIdentities } from '../store/identities';
import { messageDetail } from '../store/message-detail';
import { findAccount } from '../store/accounts';

/**
 * A message answering a stored one, prefilled; nothing is stored. Reply: to the Reply-To or sender;
 * reply-all: everyone on To and Cc too, without the user's own addresses (every identity of the account
 * and the account's address) and without duplicates. The identity is the one the original was sent to.
 * Forward: inline (the original's text below, its attachments attached again) or as an .eml attachment.
 */
export async function prepareResponse(db: ReadDb, messageId: number, mode: ResponseMode): Promise<PreparedResponse> {
  const original = await messageDetail(db, messageId);
  const account = findAccount(db, original.accountId);
  // The service cannot ask the sync engines (layers); Local Folders is the one account without a server.
  if (!account || account.id === LOCAL_ACCOUNT_ID) {
    throw new HomingError('INVALID_ARGUMENT', 'This message is in Local Folders, which does not send mail: move it to a mail account, or forward it from one.');
  }
  const identities = listIdentities(db, account.id);
  const own = [...identities.map((i) => i.address), account.email];
  const addressed = addressedIdentity(original, own);
  const identity = identities.find((i) => addressed !== null && i.address.toLowerCase() === addressed.toLowerCase()) ?? identities[0];
  const date = original.date ? new Date(original.date) : null;
  const base: ComposeContent = {
    accountId: account.id,
    ...(identity ? { identityId: identity.id } : {}),
    to: [],
    cc: [],
    bcc: [],
    subject: '',
    text: '',
    html: null,
    attachments: [],
    responseTo: null,
  };
  let content: ComposeContent;
  if (mode === 'reply' || mode === 'reply-all') {
    const people = replyRecipients({ from: original.from, replyTo: original.replyTo, to: original.to, cc: original.cc }, mode === 'reply-all', own);
    content = {
      ...base,
      to: people.to.map(recipient),
      cc: people.cc.map(recipient),
      subject: replySubject(original.subject),
      text: quoteText({ from: original.from, date, text: original.text }),
      responseTo: { kind: 'reply', messageId },
    };
  } else if (mode === 'forward-inline') {
    content = {
      ...base,
      subject: forwardSubject(original.subject),
      text: forwardText({ from: original.from, date, subject: original.subject, to: original.to, text: original.text }),
      attachments: original.attachmentList.filter((a) => !a.inline).map((a) => ({ kind: 'message-attachment' as const, messageId, attachmentId: a.id })),
      responseTo: { kind: 'forward', messageId },
    };
  } else {
    content = { ...base, subject: forwardSubject(original.subject), attachments: [{ kind: 'message', messageId }], responseTo: { kind: 'forward', messageId } };
  }
  return {
    content,
    original: {
      messageId,
      from: original.from,
      to: original.to,
      cc: original.cc,
      date: original.date,
      subject: original.subject,
      text: original.text,
      html: original.html,
    },
  };
}

function recipient(a: { name: string; address: string }) {
  return { name: a.name, address: a.address };
}
