import type { CliCommand } from '../command';
import { parse } from '../parse';
import { inlineText, printJson } from '../terminal-text';

export const folders: CliCommand = {
  name: 'folders',
  usage: 'folders [--account ID] [--json]',
  summary: 'list folders with total and unread counts',
  async run(ctx, argv) {
    const { values } = parse(argv, { account: { type: 'string' }, json: { type: 'boolean' } }, this.usage);
    const list = await (await ctx.reader()).listFolders(values.account ? { accountId: values.account } : {});
    if (values.json) printJson(ctx, list);
    else for (const f of list) ctx.stdout.write(`${f.accountId}  ${inlineText(f.path)}  ${f.unread}/${f.total}\n`);
    return 0;
  },
};
