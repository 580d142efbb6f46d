import { HomingError } from '../../../shared/errors';
import type { CliContext } from '../cli-context';
import type { CliCommand } from '../command';
import { findFolders } from '../folder-lookup';
import { parse, parseIds, requireOption } from '../parse';
import { inlineText } from '../terminal-text';

/**
 * Folders, Trash, undo and tags from the command line (shared/contract/organise.ts). Paths are the
 * account's own (`homing folders --account ID`), with its hierarchy separator; a new folder's parent is
 * everything before the last separator.
 */

async function folderAt(ctx: CliContext, accountId: string, path: string) {
  const [folder] = await findFolders(await ctx.service(), accountId, path);
  return folder!;
}

/** The parent path and the name of `path`, split at the account's separator (that of its folders). */
async function splitPath(ctx: CliContext, accountId: string, path: string): Promise<{ parentId: number | null; name: string }> {
  const folders = await (await ctx.service()).listFolders({ accountId });
  const delimiter = folders.find((f) => f.delimiter)?.delimiter ?? '/';
  const cut = path.lastIndexOf(delimiter);
  if (cut < 0) return { parentId: null, name: path };
  return { parentId: (await folderAt(ctx, accountId, path.slice(0, cut))).id, name: path.slice(cut + delimiter.length) };
}

/** Asks on the terminal unless --yes; refuses at once without a terminal (cron has nobody to ask). */
async function confirmed(ctx: CliContext, yes: boolean | undefined, question: string, retry: string): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) throw new HomingError('CANCELLED', `nothing done: there is no terminal to confirm on; run \`${retry} --yes\`.`);
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: process.stdin, output: ctx.stderr, terminal: true });
  try {
    const answer = await new Promise<boolean>((resolve) => {
      rl.once('close', () => resolve(false));
      rl.question(question, (text) => resolve(/^y(es)?$/i.test(text.trim())));
    });
    if (!answer) ctx.stderr.write('Nothing done.\n');
    return answer;
  } finally {
    rl.close();
  }
}

export const folderCreate: CliCommand = {
  name: 'folder create',
  usage: 'folder create --account ID PATH',
  summary: 'create a folder (on the server for IMAP, queued while offline)',
  async run(ctx, argv) {
    const { values, positionals } = parse(argv, { account: { type: 'string' } }, this.usage);
    const accountId = requireOption(values.account, 'account', this.usage);
    const path = requireOption(positionals[0], 'PATH', this.usage);
    const { folder } = await (await ctx.service()).createFolder({ accountId, ...(await splitPath(ctx, accountId, path)) });
    ctx.stdout.write(`${folder.id}  ${inlineText(folder.path)}\n`);
    return 0;
  },
};

export const folderRename: CliCommand = {
  name: 'folder rename',
  usage: 'folder rename --account ID PATH NEWPATH',
  summary: 'rename or move a folder with its subfolders',
  async run(ctx, argv) {
    const { values, positionals } = parse(argv, { account: { type: 'string' } }, this.usage);
    const accountId = requireOption(values.account, 'account', this.usage);
    const from = requireOption(positionals[0], 'PATH', this.usage);
    const to = requireOption(positionals[1], 'NEWPATH', this.usage);
    const folder = await folderAt(ctx, accountId, from);
    const { folder: renamed } = await (await ctx.service()).renameFolder({ folderId: folder.id, ...(await splitPath(ctx, accountId, to)) });
    ctx.stdout.write(`${renamed.id}  ${inlineText(renamed.path)}\n`);
    return 0;
  },
};

export const folderDelete: CliCommand = {
  name: 'folder delete',
  usage: 'folder delete --account ID PATH [--yes]',
  summary: 'delete a folder and its subfolders; their mail goes to the Trash (asks first)',
  async run(ctx, argv) {
    const { values, positionals } = parse(argv, { account: { type: 'string' }, yes: { type: 'boolean' } }, this.usage);
    const accountId = requireOption(values.account, 'account', this.usage);
    const path = requireOption(positionals[0], 'PATH', this.usage);
    const folder = await folderAt(ctx, accountId, path);
    if (!(await confirmed(ctx, values.yes, `Delete the folder ${inlineText(path)}? Its mail goes to the Trash. [y/N] `, `homing folder delete --account ${accountId} ${path}`))) return 1;
    const { movedToTrash } = await (await ctx.service()).deleteFolder({ folderId: folder.id, confirm: true });
    ctx.stdout.write(`deleted ${inlineText(path)}; ${movedToTrash} ${movedToTrash === 1 ? 'message' : 'messages'} moved to the Trash\n`);
    return 0;
  },
};

export const trashEmpty: CliCommand = {
  name: 'trash empty',
  usage: 'trash empty --account ID [--yes]',
  summary: "remove everything in the account's Trash for good (asks first; cannot be undone)",
  async run(ctx, argv) {
    const { values } = parse(argv, { account: { type: 'string' }, yes: { type: 'boolean' } }, this.usage);
    const accountId = requireOption(values.account, 'account', this.usage);
    if (!(await confirmed(ctx, values.yes, `Remove everything in the Trash of ${accountId} for good? [y/N] `, `homing trash empty --account ${accountId}`))) return 1;
    const { deleted } = await (await ctx.service()).emptyTrash({ accountId, confirm: true });
    ctx.stdout.write(`${deleted} ${deleted === 1 ? 'message' : 'messages'} removed\n`);
    return 0;
  },
};

export const undo: CliCommand = {
  name: 'undo',
  usage: 'undo',
  summary: 'take back the last action done from this data directory (by the app or the command line)',
  async run(ctx, argv) {
    parse(argv, {}, this.usage);
    const { undone, restored, missing } = await (await ctx.service()).undo({});
    ctx.stdout.write(`undone: ${inlineText(undone.description)}${undone.messageCount > 0 ? ` (${restored} put back)` : ''}\n`);
    if (missing.length > 0) ctx.stderr.write(`${missing.length} ${missing.length === 1 ? 'message was' : 'messages were'} deleted meanwhile and could not be put back\n`);
    return 0;
  },
};

export const tag: CliCommand = {
  name: 'tag',
  usage: 'tag ID ... [--add TAG]... [--remove TAG]...',
  summary: 'add or remove tags (IMAP keywords; local tags for POP3 and Local Folders)',
  async run(ctx, argv) {
    const { values, positionals } = parse(argv, { add: { type: 'string', multiple: true }, remove: { type: 'string', multiple: true } }, this.usage);
    const add = values.add ?? [];
    const remove = values.remove ?? [];
    if (add.length === 0 && remove.length === 0) throw new HomingError('INVALID_ARGUMENT', `say which tags to --add or --remove\nusage: homing ${this.usage}`);
    await (await ctx.service()).tagMessages({ ids: parseIds(positionals, this.usage), add, remove });
    return 0;
  },
};
