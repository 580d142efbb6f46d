import type { OutboxItem } from '../../../shared/contract/outgoing';
import type { CliCommand } from '../command';
import { parse, parseOneId } from '../parse';
import { inlineText, printJson } from '../terminal-text';
import { logOutboxStates } from '../outbox-progress';
import { reportDelivery } from './send';

export const outboxList: CliCommand = {
  name: 'outbox',
  usage: 'outbox [--account ID] [--all] [--json]',
  summary: 'what waits to be sent or filed, and why, and sent messages some recipients of which the server refused (--all: filed messages too)',
  async run(ctx, argv) {
    const { values } = parse(argv, { account: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' } }, this.usage);
    const items = await (await ctx.service()).listOutbox({ ...(values.account ? { accountId: values.account } : {}), includeFiled: Boolean(values.all) });
    if (values.json) printJson(ctx, items);
    else if (items.length === 0) ctx.stdout.write('The outbox is empty.\n');
    else for (const item of items) ctx.stdout.write(`${describe(item)}\n`);
    return 0;
  },
};

function describe(item: OutboxItem): string {
  const to = item.recipients.slice(0, 3).join(', ') + (item.recipients.length > 3 ? `, +${item.recipients.length - 3}` : '');
  const when = item.state === 'queued' && item.notBefore ? ` (not before ${item.notBefore})` : '';
  const why = item.lastError ? `  ${item.lastError.code}: ${item.lastError.message}` : '';
  const refused = item.rejected.length > 0 && !item.refusalsSeen ? `  not to ${item.rejected.map((r) => `${r.address} (${r.response})`).join(', ')}` : '';
  return inlineText(`${item.id}  ${item.state.padEnd(9)}  ${item.accountId}  to ${to}  “${item.subject}”${when}${why}${refused}`);
}

export const outboxFlush: CliCommand = {
  name: 'outbox flush',
  usage: 'outbox flush [--account ID] [--progress]',
  summary: 'send now whatever waits in the outbox and file what was sent, without a sync pass; exit 0 when nothing is left waiting with an error',
  async run(ctx, argv) {
    const { values } = parse(argv, { account: { type: 'string' }, progress: { type: 'boolean' } }, this.usage);
    const service = await ctx.service();
    const stop = values.progress ? logOutboxStates(ctx, service) : () => undefined;
    try {
      const items = await service.flushOutbox({ ...(values.account ? { accountId: values.account } : {}), retryWaiting: true });
      let problems = 0;
      for (const item of items) {
        if (item.state === 'filed' || (item.state === 'queued' && !item.lastError)) continue;
        if (item.state === 'sent' && !item.lastError) continue;
        problems++;
        const why = item.lastError ? `${item.lastError.code}: ${item.lastError.message}` : item.state;
        ctx.stderr.write(`homing: ${inlineText(why)} (outbox ${item.id}, ${item.state})\n`);
      }
      const sent = items.filter((i) => i.state === 'filed' || i.state === 'sent').length;
      ctx.stderr.write(`${sent} sent, ${items.length - sent} waiting\n`);
      return problems === 0 ? 0 : 1;
    } finally {
      stop();
    }
  },
};

export const outboxRetry: CliCommand = {
  name: 'outbox retry',
  usage: 'outbox retry ID',
  summary: 'send a queued, failed or “may have been sent” message again, now',
  async run(ctx, argv) {
    const { positionals } = parse(argv, {}, this.usage);
    const id = parseOneId(positionals, this.usage);
    const service = await ctx.service();
    await service.retryOutbox({ id });
    return reportDelivery(ctx, service, id);
  },
};

export const outboxMarkSent: CliCommand = {
  name: 'outbox mark-sent',
  usage: 'outbox mark-sent ID',
  summary: 'a “may have been sent” message did go out: file it in Sent without sending it again',
  async run(ctx, argv) {
    const { positionals } = parse(argv, {}, this.usage);
    const id = parseOneId(positionals, this.usage);
    const service = await ctx.service();
    await service.markOutboxSent({ id });
    return reportDelivery(ctx, service, id);
  },
};

export const outboxCancel: CliCommand = {
  name: 'outbox cancel',
  usage: 'outbox cancel ID',
  summary: 'take a message out of the outbox (it becomes a draft again); prints the draft id',
  async run(ctx, argv) {
    const { positionals } = parse(argv, {}, this.usage);
    const id = parseOneId(positionals, this.usage);
    const { draftId } = await (await ctx.service()).cancelOutbox({ id });
    ctx.stdout.write(`${draftId}\n`);
    ctx.stderr.write(`not sent: message ${id} is a draft again (draft ${draftId})\n`);
    return 0;
  },
};

export const outboxDismiss: CliCommand = {
  name: 'outbox dismiss',
  usage: 'outbox dismiss ID',
  summary: 'a sent message some recipients of which the server refused: you have seen it, so it leaves the outbox list',
  async run(ctx, argv) {
    const { positionals } = parse(argv, {}, this.usage);
    const id = parseOneId(positionals, this.usage);
    await (await ctx.service()).acknowledgeOutboxRefusals({ id });
    return 0;
  },
};

export const outboxGiveUp: CliCommand = {
  name: 'outbox give-up',
  usage: 'outbox give-up ID',
  summary: 'stop sending a message again to the recipients the server kept answering "not now" (the others have it); it stays in Sent, noted',
  async run(ctx, argv) {
    const { positionals } = parse(argv, {}, this.usage);
    const id = parseOneId(positionals, this.usage);
    const item = await (await ctx.service()).giveUpOutbox({ id });
    ctx.stderr.write(`not sent to ${item.recipients.join(', ')}: Homing stopped trying (message ${id})\n`);
    return 0;
  },
};
