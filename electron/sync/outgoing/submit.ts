import type { Account } from '../../../shared/contract/accounts';
import { type ErrorData, HomingError, toErrorData } from '../../../shared/errors';
import { accountPasswords } from '../../accounts/account-passwords';
import { outgoingPassword } from '../../accounts/outgoing-password';
import { sameCredentialTargets, settingsChangedWhileConnecting } from '../../accounts/stored-password-scope';
import { createResolvers, resolverOptionsFromEnv } from '../../accounts/resolvers';
import type { NetworkOverrides } from '../../net/tls-trust';
import { SmtpSession, SubmitError } from '../../protocols/smtp/smtp-session';
import type { RefusedRecipient } from '../../protocols/smtp/smtp-errors';
import {
  dropRefusedRecipients,
  findOutboxRecord,
  insertResend,
  markFailed,
  markHandedOver,
  markResendDone,
  markRetry,
  markSending,
  markSent,
  markUncertain,
  type OutboxRecord,
  outboxRaw,
} from '../../store/outbox';
import { findAccount, recordOutgoingSizeLimit } from '../../store/accounts';
import { writeTransaction } from '../../store/write-transaction';
import type { WriterContext } from '../writer-context';
import { markOriginal } from './mark-original';
import { OUTGOING_LIMITS } from './limits';
import { failureAction, isTemporaryReply, resendGiveUp, retryDelay } from './outbox-policy';

let network: NetworkOverrides | null = null;

/** The name resolution account setup uses (HOMING_DNS_SERVERS), so the server the test reached is the one used. */
function sendNetwork(): NetworkOverrides {
  network ??= createResolvers(resolverOptionsFromEnv(process.env)).network;
  return network;
}

/** Errors after which the session cannot carry another message (the next one gets a fresh connection). */
const SESSION_ENDING = new Set(['CONNECTION_LOST', 'TIMEOUT', 'SERVER_BUSY', 'PROTOCOL_ERROR', 'TLS_FAILED', 'CANCELLED', 'SEND_UNCERTAIN']);

export interface SubmitHooks {
  /** Called after each commit of a state change (tests and `--progress` key on them). */
  onState?(record: Pick<OutboxRecord, 'id' | 'accountId'>, state: string): void;
}

/**
 * Submits the account's due messages, oldest first, over as few SMTP sessions as it can (one, unless a
 * message's failure ends the session). Each message: `sending` is committed before its MAIL FROM;
 * `handed_over` after its last byte and before the final dot (inside SmtpSession.send); `sent` the moment
 * the server answers 250, in the same transaction as the original's \Answered/$Forwarded. A message the
 * server refused goes to `failed`; one that cannot be sent now goes back to `queued` with a time to try
 * again; one whose fate is unknown goes to `uncertain` and is never sent again on its own.
 */
export async function submitQueued(ctx: WriterContext, account: Account, items: OutboxRecord[], signal: AbortSignal, hooks: SubmitHooks = {}): Promise<void> {
  const { db } = ctx;
  let session: SmtpSession | null = null;
  const retryAll = (rest: OutboxRecord[], error: ErrorData) => {
    const action = failureAction(error.code);
    writeTransaction(db, (changes) => {
      for (const item of rest) {
        const current = findOutboxRecord(db, item.id);
        if (current?.state !== 'queued') continue;
        if (action === 'failed') markFailed(db, changes, current, error);
        else markRetry(db, changes, current, error, Date.now() + retryDelay(action, current.attempts + 1));
      }
    });
    for (const item of rest) hooks.onState?.(item, 'queued');
  };
  try {
    for (let i = 0; i < items.length; i++) {
      // Cancelled or changed by the user since the list was made.
      if (findOutboxRecord(db, items[i]!.id)?.state !== 'queued') continue;
      if (signal.aborted) return;
      if (!session) {
        try {
          session = await openSession(ctx, account, signal);
        } catch (error) {
          retryAll(items.slice(i), toErrorData(error));
          return;
        }
      }
      // Claimed only if still queued as stored: the user may have given up on it ("Stop trying"), cancelled
      // it or changed it while the session opened. From `sending` on, those wait for this try's answer.
      const item = writeTransaction(db, (changes) => markSending(db, changes, items[i]!));
      if (!item) continue;
      hooks.onState?.(item, 'sending');
      const raw = outboxRaw(db, item.id);
      try {
        const result = await session.send({ from: item.envelopeFrom, to: item.recipients }, raw, {
          beforeFinalDot: () => {
            writeTransaction(db, (changes) => markHandedOver(db, changes, item));
            hooks.onState?.(item, 'handed-over');
          },
        });
        // "Not now" for some recipients (greylisting, a busy mailbox, a rate limit): they get the same bytes
        // later from a row of their own; the ones the server took are never sent to again.
        const deferred = result.rejected.filter((r) => isTemporaryReply(r.responseCode));
        // Those refused for good at an earlier try (dropRefusedRecipients) stay listed.
        const refused = [...item.rejected, ...result.rejected.filter((r) => !isTemporaryReply(r.responseCode)).map((r) => ({ address: r.address, response: r.response }))];
        const resend = writeTransaction(db, (changes) => {
          if (item.resendOf !== null) markResendDone(db, changes, item, refused);
          else markSent(db, changes, item, refused);
          if (item.responseTo) markOriginal(db, changes, item.responseTo);
          if (deferred.length === 0) return null;
          const attempts = item.resendOf !== null ? item.attempts + 1 : 1;
          return insertResend(db, changes, item, deferred.map((r) => r.address), deferredError(account, deferred), Date.now() + retryDelay('retry', attempts), attempts);
        });
        hooks.onState?.(item, item.resendOf !== null ? 'filed' : 'sent');
        if (resend) hooks.onState?.(resend, 'queued');
      } catch (error) {
        const data = toErrorData(error);
        if (error instanceof SubmitError && error.outcome === 'unknown') {
          writeTransaction(db, (changes) => markUncertain(db, changes, item, data));
          hooks.onState?.(item, 'uncertain');
        } else {
          // A resend the recipients still answer "not now" to, long enough: the user is told and decides.
          // Every recipient refused, some for good (5xx) and the rest only for now (4xx): those refused for
          // good are told, never asked again; the rest are tried again like any "not now".
          const split = splitRefusals(account, item, data);
          const error = split?.error ?? data;
          const gaveUp = resendGiveUp(item, error, Date.now(), { ms: OUTGOING_LIMITS.resendGiveUpMs, tries: OUTGOING_LIMITS.resendGiveUpTries });
          const action = gaveUp ? 'failed' : failureAction(error.code);
          writeTransaction(db, (changes) => {
            if (split) dropRefusedRecipients(db, changes, item, split.remaining, split.refused);
            if (action === 'failed') markFailed(db, changes, item, gaveUp ? gaveUp.toData() : error);
            else markRetry(db, changes, item, error, Date.now() + retryDelay(action, item.attempts + 1));
          });
          hooks.onState?.(item, action === 'failed' ? 'failed' : 'queued');
        }
        // A refusal of one message leaves the session usable in principle, but a fresh one costs little and
        // never carries a half-finished transaction into the next message.
        session.close();
        session = null;
        if (SESSION_ENDING.has(data.code) || signal.aborted) {
          // The server is gone or busy: the rest wait for the same retry as this one, without a try each.
          if (data.code !== 'SEND_UNCERTAIN' && data.code !== 'CANCELLED') retryAll(items.slice(i + 1), data);
          return;
        }
      }
    }
  } finally {
    await session?.quit().catch(() => undefined);
  }
}

async function openSession(ctx: WriterContext, account: Account, signal: AbortSignal): Promise<SmtpSession> {
  const smtp = account.smtp;
  if (!smtp) throw new HomingError('NO_OUTGOING_SERVER', `${account.email} has no outgoing (SMTP) server set up.`, { accountId: account.id, fix: 'check-settings' });
  // The password first: a missing one is the user's to fix, before any connection is made.
  const password = smtp.username !== null ? await outgoingPassword(accountPasswords(ctx), account) : null;
  // Settings changed while the password was read: it may be the one saved for the new server.
  if (password !== null && !sameCredentialTargets(account, findAccount(ctx.db, account.id))) throw settingsChangedWhileConnecting(account);
  const session = await SmtpSession.connect({
    host: smtp.host,
    port: smtp.port,
    security: smtp.security,
    trustedFingerprint: smtp.trustedFingerprint,
    network: sendNetwork(),
    signal,
    ...(OUTGOING_LIMITS.smtpTimeoutMs
      ? { timeouts: { connectMs: OUTGOING_LIMITS.smtpTimeoutMs, greetingMs: OUTGOING_LIMITS.smtpTimeoutMs, commandMs: OUTGOING_LIMITS.smtpTimeoutMs, dataDoneMs: OUTGOING_LIMITS.smtpTimeoutMs } }
      : {}),
  });
  try {
    if (smtp.username !== null && password !== null) await session.login(smtp.username, password);
    // What the server takes, as it says today: the composer warns before a message grows past it.
    writeTransaction(ctx.db, (changes) => recordOutgoingSizeLimit(ctx.db, changes, account.id, session.maxSize));
    return session;
  } catch (error) {
    session.close();
    throw error;
  }
}

/** Why a resend waits: the server's "not now" for those recipients, in its words. */
function deferredError(account: Account, deferred: RefusedRecipient[]): ErrorData {
  const host = account.smtp?.host ?? 'The server';
  const list = deferred.map((r) => r.address).join(', ');
  const said = deferred[0]?.response ? ` The server said: ${deferred[0].response}` : '';
  return new HomingError('SERVER_BUSY', `${host} took the message for the others but could not take it for ${list} just then; Homing will send it to ${deferred.length === 1 ? 'that address' : 'them'} again.${said}`, {
    host,
    rejected: deferred,
    response: deferred[0]?.response ?? null,
    responseCode: deferred[0]?.responseCode ?? null,
    fix: 'wait-and-retry',
  }).toData();
}

/**
 * A submission every recipient refused, some for good (5xx) and some only for now (4xx): the recipients
 * left to try (the "not now" ones), those refused for good, and the error the row waits with (the
 * deferred recipients' SERVER_BUSY, saying who was refused). Null for any other failure.
 */
function splitRefusals(account: Account, item: OutboxRecord, error: ErrorData): { remaining: string[]; refused: Array<{ address: string; response: string }>; error: ErrorData } | null {
  if (error.code !== 'SERVER_BUSY' || !Array.isArray(error.detail?.rejected)) return null;
  const rejected = error.detail.rejected as RefusedRecipient[];
  const forGood = rejected.filter((r) => r.responseCode !== null && r.responseCode >= 500);
  const deferred = rejected.filter((r) => isTemporaryReply(r.responseCode));
  if (forGood.length === 0 || deferred.length === 0) return null;
  const gone = new Set(forGood.map((r) => r.address.toLowerCase()));
  const remaining = item.recipients.filter((address) => !gone.has(address.toLowerCase()));
  if (remaining.length === 0 || remaining.length === item.recipients.length) return null;
  const host = account.smtp?.host ?? 'The server';
  const refusedList = forGood.map((r) => `${r.address} (${r.response})`).join('; ');
  const deferredData = deferredError(account, deferred);
  return {
    remaining,
    refused: forGood.map((r) => ({ address: r.address, response: r.response })),
    error: {
      ...deferredData,
      message: `${host} refused ${refusedList}: ${forGood.length === 1 ? 'that address gets' : 'those addresses get'} nothing. It could not take the message for ${deferred.map((r) => r.address).join(', ')} just then; Homing will send it to ${deferred.length === 1 ? 'that address' : 'them'} again.${deferred[0]?.response ? ` The server said: ${deferred[0].response}` : ''}`,
      detail: { ...deferredData.detail, refused: forGood },
    },
  };
}
