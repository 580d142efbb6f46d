import type { MailClient } from '../../../shared/client';
import type { PendingOperation } from '../../../shared/contract/sync';
import { HomingError } from '../../../shared/errors';
import type { CliCommand } from '../command';
import { parse } from '../parse';
import { inlineText, printJson } from '../terminal-text';

/**
 * Changes made here that wait for a server (`queued`) or that a server refused (`refused`): the queue the
 * app shows as "N changes waiting" and, on a message, "the server refused this change". A refused change
 * stays (its messages marked) until it is discarded, which puts back what is left of it here; the next
 * sync then shows those messages as the server has them (docs/operation-queue.md).
 */
export const pendingList: CliCommand = {
  name: 'pending',
  usage: 'pending [--account ID] [--refused] [--json]',
  summary: 'changes made here that wait for the server, or that it refused (--refused: those only)',
  async run(ctx, argv) {
    const { values } = parse(argv, { account: { type: 'string' }, refused: { type: 'boolean' }, json: { type: 'boolean' } }, this.usage);
    const service = await ctx.service();
    const ops = (await service.listPendingOperations(values.account ? { accountId: values.account } : {})).filter((op) => !values.refused || op.state === 'refused');
    if (values.json) {
      printJson(ctx, ops);
      return 0;
    }
    if (ops.length === 0) {
      ctx.stdout.write(values.refused ? 'No change was refused.\n' : 'No change waits for a server.\n');
      return 0;
    }
    const subjects = await subjectsOf(service, ops);
    for (const op of ops) ctx.stdout.write(`${describe(op, subjects)}\n`);
    if (ops.some((op) => op.state === 'refused')) {
      ctx.stderr.write('A refused change waits until it is discarded: homing pending discard ID (or --all).\n');
    }
    return 0;
  },
};

/** The subjects of the messages the listed changes name (a message deleted since has none). */
async function subjectsOf(service: MailClient, ops: PendingOperation[]): Promise<Map<number, string>> {
  const ids = [...new Set(ops.flatMap((op) => op.messageIds.slice(0, 2)))];
  const subjects = new Map<number, string>();
  // The contract takes at most this many ids per call (getMessageSummaries).
  for (let at = 0; at < ids.length; at += 500) {
    for (const summary of await service.getMessageSummaries({ ids: ids.slice(at, at + 500) })) subjects.set(summary.id, summary.subject);
  }
  return subjects;
}

const kindWords: Record<PendingOperation['kind'], string> = {
  flags: 'mark',
  move: 'move',
  copy: 'copy',
  delete: 'delete',
  expunge: 'delete for good',
  'folder-create': 'create folder',
  'folder-rename': 'rename folder',
  'folder-delete': 'delete folder',
  'folder-subscribe': 'subscribe',
  send: 'send',
  append: 'upload',
  unknown: 'unreadable change',
};

/** `ID  STATE  ACCOUNT  WHAT  messages and their subjects  CODE: the server's words`, on one line. */
function describe(op: PendingOperation, subjects: Map<number, string>): string {
  const n = op.messageIds.length;
  const named = op.messageIds
    .slice(0, 2)
    .map((id) => subjects.get(id))
    .filter((s): s is string => s !== undefined)
    .map((s) => `“${s}”`);
  const messages = n === 0 ? '' : `  ${n === 1 ? '1 message' : `${n} messages`}${named.length > 0 ? ` ${named.join(', ')}${n > named.length ? ', …' : ''}` : ''}`;
  const why = op.error ? `  ${op.error.code}: ${op.error.message}` : '';
  return inlineText(`${op.id}  ${op.state.padEnd(7)}  ${op.accountId}  ${kindWords[op.kind]}${messages}${why}`);
}

export const pendingDiscard: CliCommand = {
  name: 'pending discard',
  usage: 'pending discard ID ... | pending discard --all [--account ID]',
  summary: 'drop changes the server refused and put back what is left of them here (the next sync shows the server’s state)',
  async run(ctx, argv) {
    const { values, positionals } = parse(argv, { all: { type: 'boolean' }, account: { type: 'string' } }, this.usage);
    const service = await ctx.service();
    let ids: number[];
    if (values.all) {
      if (positionals.length > 0) throw new HomingError('INVALID_ARGUMENT', `give change ids or --all, not both\nusage: homing ${this.usage}`);
      const ops = await service.listPendingOperations(values.account ? { accountId: values.account } : {});
      ids = ops.filter((op) => op.state === 'refused').map((op) => op.id);
    } else {
      if (values.account) throw new HomingError('INVALID_ARGUMENT', `--account goes with --all\nusage: homing ${this.usage}`);
      if (positionals.length === 0) throw new HomingError('INVALID_ARGUMENT', `give the ids of the changes (homing pending --refused), or --all\nusage: homing ${this.usage}`);
      ids = positionals.map((word) => {
        const id = Number(word);
        if (!Number.isSafeInteger(id) || id <= 0) throw new HomingError('INVALID_ARGUMENT', `not a change id: ${word}`);
        return id;
      });
    }
    let discarded = 0;
    for (const id of ids) {
      // Discarding one may take others with it (an upload's refused removal from the first account goes
      // with the upload): with --all, those are done already, not missing.
      if (values.all && !(await service.listPendingOperations({})).some((op) => op.id === id)) continue;
      await service.discardPendingOperation({ id });
      discarded++;
    }
    ctx.stderr.write(discarded === 1 ? 'Discarded 1 change.\n' : `Discarded ${discarded} changes.\n`);
    return 0;
  },
};
