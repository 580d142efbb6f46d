import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { MailClient } from '../../../shared/client';
import type { ComposeInput, OutboxItem, Recipient } from '../../../shared/contract/outgoing';
import { HomingError } from '../../../shared/errors';
import type { CliContext } from '../cli-context';
import type { CliCommand } from '../command';
import { parse, requireOption } from '../parse';
import { logOutboxStates } from '../outbox-progress';
import { blockText, inlineText } from '../terminal-text';
import { describeFailure } from './account';

const SEND_USAGE =
  'send --account ID --to ADDR [--to ADDR]... [--cc ADDR]... [--bcc ADDR]... [--subject S] (--body-file F | --body-file -) ' +
  '[--attach FILE]... [--in-reply-to MESSAGE_ID_NUMBER] [--identity ID] [--progress]';

export const send: CliCommand = {
  name: 'send',
  usage: SEND_USAGE,
  summary: 'send a message now and file it in Sent; exits 0 only when sent (an unreachable server leaves it queued, exit 1)',
  async run(ctx, argv) {
    const { values } = parse(
      argv,
      {
        account: { type: 'string' },
        to: { type: 'string', multiple: true },
        cc: { type: 'string', multiple: true },
        bcc: { type: 'string', multiple: true },
        subject: { type: 'string' },
        'body-file': { type: 'string' },
        attach: { type: 'string', multiple: true },
        'in-reply-to': { type: 'string' },
        identity: { type: 'string' },
        progress: { type: 'boolean' },
      },
      SEND_USAGE,
    );
    const accountId = requireOption(values.account, 'account', SEND_USAGE);
    const bodyFile = requireOption(values['body-file'], 'body-file', SEND_USAGE);
    const to = recipients(values.to);
    const cc = recipients(values.cc);
    const bcc = recipients(values.bcc);
    if (to.length + cc.length + bcc.length === 0) throw new HomingError('INVALID_ARGUMENT', `give at least one recipient (--to)\nusage: homing ${SEND_USAGE}`);
    const text = bodyFile === '-' ? await readStdin() : await readText(bodyFile);
    const attachments = await Promise.all((values.attach ?? []).map(attachment));
    const replyTo = values['in-reply-to'] !== undefined ? messageNumber(values['in-reply-to']) : null;
    const service = await ctx.service();
    let subject = values.subject;
    if (subject === undefined && replyTo !== null) subject = (await service.prepareResponse({ messageId: replyTo, mode: 'reply' })).content.subject;
    const content: ComposeInput = {
      accountId,
      to,
      cc,
      bcc,
      subject: subject ?? '',
      text,
      attachments,
      ...(values.identity ? { identityId: messageNumber(values.identity) } : {}),
      ...(replyTo !== null ? { responseTo: { kind: 'reply', messageId: replyTo } } : {}),
    };
    // `--progress`: `outbox ID STATE` lines as the message goes (queued, sending, sent, filed).
    const stop = values.progress ? logOutboxStates(ctx, service) : () => undefined;
    try {
      // No undo delay on the command line: the command itself is the decision.
      const queued = await service.sendMessage({ content, delaySeconds: 0 });
      return await reportDelivery(ctx, service, queued.id);
    } finally {
      stop();
    }
  },
};

/** Submits one outbox item now and says what became of it; 0 only when it was sent. */
export async function reportDelivery(ctx: CliContext, service: MailClient, id: number): Promise<number> {
  const [item, ...resends] = await service.flushOutbox({ ids: [id] });
  if (!item) throw new HomingError('NOT_FOUND', `outbox item ${id} is gone`);
  const account = item.lastError ? (await service.listAccounts({})).find((a) => a.id === item.accountId) : undefined;
  const status = describeOutcome(ctx, item, account?.smtp?.passwordSource === 'own' ? '--smtp-password-env VAR' : '--password-env VAR');
  // Recipients the server answered "not now" get it later from an outbox item of their own.
  for (const resend of resends.filter((r) => r.resendOf === item.id && r.state === 'queued')) {
    const response = resend.lastError?.detail?.response;
    ctx.stderr.write(
      `homing: warning: SERVER_BUSY: sent, but not yet to ${inlineText(resend.recipients.join(', '))}${typeof response === 'string' ? ` (${inlineText(response)})` : ''}: ` +
        `the server said "not now"; outbox ${resend.id} sends it to them again (homing sync, or homing sync --watch)\n`,
    );
  }
  return status;
}

/**
 * `passwordOption`: how account edit takes the password the outgoing server logs in with, typed again with
 * a new pin or host (a stored password goes only to the server it was saved for).
 */
export function describeOutcome(ctx: CliContext, item: OutboxItem, passwordOption = '--password-env VAR'): number {
  const error = item.lastError;
  const why = error ? `${error.code}: ${inlineText(error.message)}` : '';
  switch (item.state) {
    case 'filed':
    case 'sent':
      ctx.stdout.write(`${item.id}\n`);
      for (const refused of item.rejected) {
        ctx.stderr.write(`homing: RECIPIENT_REFUSED: sent, but not to ${inlineText(refused.address)} (${inlineText(refused.response)})\n`);
      }
      if (item.state === 'sent') {
        ctx.stderr.write(`sent; the copy in Sent is not filed yet${why ? ` (${why})` : ''}: homing sync files it\n`);
      }
      return 0;
    case 'queued': {
      // A certificate or a security setting only the user can settle: no retry sends it until they do, so
      // say how (as account test does), not "once the server can be reached" (it was reached).
      const fixes = error
        ? describeFailure(error, (what, options) => `${what}: homing account edit ${item.accountId} ${options} ${passwordOption}, then homing outbox retry ${item.id}`, 'outgoing')
        : [];
      // A refused password is not fixed by reaching the server again (it was reached): say how to give the new one.
      if (error?.code === 'AUTH_FAILED') {
        ctx.stderr.write(
          `homing: ${why}\n  if the password changed: homing account edit ${item.accountId} ${passwordOption}, then homing outbox retry ${item.id}\n` +
            `not sent: left in the outbox as ${item.id} until the outgoing server takes the password\n`,
        );
        return 1;
      }
      if (fixes.some((line) => line.includes('homing account edit'))) {
        ctx.stderr.write(`homing: ${why}\n${blockText(`${fixes.join('\n')}\n`)}not sent: left in the outbox as ${item.id} until the outgoing server's settings are fixed\n`);
        return 1;
      }
      ctx.stderr.write(`homing: ${why || 'not sent'}\nnot sent: left in the outbox as ${item.id}; homing sync (or homing outbox retry ${item.id}) sends it once the server can be reached\n`);
      return 1;
    }
    case 'uncertain':
      ctx.stderr.write(
        `homing: ${why}\nthe connection ended after the message was handed over: it may have been sent. Check the recipient's mailbox or your Sent folder, then: ` +
          `homing outbox mark-sent ${item.id} (it went out), homing outbox retry ${item.id} (send it again), or homing outbox cancel ${item.id}\n`,
      );
      return 1;
    case 'failed':
      ctx.stderr.write(`homing: ${why}\nnot sent: the server refused it; homing outbox retry ${item.id} after fixing it, or homing outbox cancel ${item.id}\n`);
      return 1;
    default:
      ctx.stderr.write(`outbox item ${item.id} is ${item.state}\n`);
      return 1;
  }
}

/** `a@b`, `Name <a@b>`, or several of them separated by commas. */
export function recipients(values: string[] | undefined): Recipient[] {
  const out: Recipient[] = [];
  for (const value of values ?? []) {
    for (const part of value.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
      const trimmed = part.trim();
      if (!trimmed) continue;
      const named = /^(.*?)\s*<([^<>]+)>$/.exec(trimmed);
      const name = named ? named[1]!.replace(/^"|"$/g, '').trim() : '';
      const address = (named ? named[2]! : trimmed).trim();
      if (!/^[^\s@]+@[^\s@]+$/.test(address)) throw new HomingError('INVALID_ARGUMENT', `not an e-mail address: ${inlineText(trimmed)}`);
      out.push({ name, address });
    }
  }
  return out;
}

function messageNumber(value: string): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw new HomingError('INVALID_ARGUMENT', `not an id: ${inlineText(value)}`);
  return id;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new HomingError('IO_ERROR', `the body file ${path} could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function attachment(path: string): Promise<ComposeInput['attachments'] extends Array<infer A> | undefined ? A : never> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new HomingError('IO_ERROR', `the attachment ${path} could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  // Loaded here, not with the command table: every other command would pay for nodemailer's MIME tables.
  const { detectMimeType } = await import('nodemailer/lib/mime-funcs');
  return { kind: 'data', filename: basename(path), contentType: detectMimeType(extname(path).slice(1)) || 'application/octet-stream', base64: bytes.toString('base64') };
}
