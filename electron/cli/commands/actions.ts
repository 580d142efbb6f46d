import { HomingError } from '../../../shared/errors';
import type { CliCommand } from '../command';
import { findFolders } from '../folder-lookup';
import { parse, parseIds, requireOption } from '../parse';

export const mark: CliCommand = {
  name: 'mark',
  usage: 'mark ID ... --read | --unread | --flag | --unflag',
  summary: 'mark messages read, unread, flagged or unflagged',
  async run(ctx, argv) {
    const { values, positionals } = parse(
      argv,
      { read: { type: 'boolean' }, unread: { type: 'boolean' }, flag: { type: 'boolean' }, unflag: { type: 'boolean' } },
      this.usage,
    );
    if ((values.read && values.unread) || (values.flag && values.unflag)) {
      throw new HomingError('INVALID_ARGUMENT', `contradictory options\nusage: homing ${this.usage}`);
    }
    const seen = values.read ? true : values.unread ? false : undefined;
    const flagged = values.flag ? true : values.unflag ? false : undefined;
    if (seen === undefined && flagged === undefined) throw new HomingError('INVALID_ARGUMENT', `nothing to mark\nusage: homing ${this.usage}`);
    await (await ctx.service()).markMessages({
      ids: parseIds(positionals, this.usage),
      ...(seen !== undefined ? { seen } : {}),
      ...(flagged !== undefined ? { flagged } : {}),
    });
    return 0;
  },
};

export const remove: CliCommand = {
  name: 'delete',
  usage: 'delete ID ...',
  summary: 'delete messages (to Trash where the account has one)',
  async run(ctx, argv) {
    const { positionals } = parse(argv, {}, this.usage);
    await (await ctx.service()).deleteMessages({ ids: parseIds(positionals, this.usage) });
    return 0;
  },
};

export const move: CliCommand = {
  name: 'move',
  usage: 'move ID ... --to PATH [--to-account ID]',
  summary: 'move messages to another folder (of their account, or of --to-account)',
  async run(ctx, argv) {
    const { values, positionals } = parse(argv, { to: { type: 'string' }, 'to-account': { type: 'string' } }, this.usage);
    const ids = parseIds(positionals, this.usage);
    const path = requireOption(values.to, 'to', this.usage);
    const service = await ctx.service();
    const [first] = await service.getMessageSummaries({ ids: ids.slice(0, 1) });
    if (!first) throw new HomingError('NOT_FOUND', `No message with id ${ids[0]}.`);
    const [target] = await findFolders(service, values['to-account'] ?? first.accountId, path);
    await service.moveMessages({ ids, toFolderId: target!.id });
    return 0;
  },
};
