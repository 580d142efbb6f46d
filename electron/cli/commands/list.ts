import type { MessageSummary } from '../../../shared/contract/messages';
import type { CliCommand } from '../command';
import { findFolders } from '../folder-lookup';
import { parse } from '../parse';
import { inlineText, jsonText } from '../terminal-text';

export const list: CliCommand = {
  name: 'list',
  usage: 'list [--account ID] [--folder PATH] [--json]',
  summary: 'list messages, newest first',
  async run(ctx, argv) {
    const { values } = parse(argv, { account: { type: 'string' }, folder: { type: 'string' }, json: { type: 'boolean' } }, this.usage);
    const service = await ctx.reader();
    const targets = await findFolders(service, values.account, values.folder);
    // Streams page by page: a folder of 100,000 messages never sits in memory as one array. One write per
    // page, not per message: to a file or a terminal each write is a system call of its own.
    let first = true;
    if (values.json) ctx.stdout.write('[');
    const line = (m: MessageSummary) => {
      const text = values.json
        ? `${first ? '\n' : ',\n'}${jsonText(m)}`
        : `${m.id}\t${m.date ?? ''}\t${m.seen ? ' ' : '*'}\t${inlineText(m.from ? m.from.name || m.from.address : '')}\t${inlineText(m.subject)}\n`;
      first = false;
      return text;
    };
    for (const folder of targets) {
      let cursor: string | null = null;
      do {
        const page = await service.listMessages({ mailbox: { folderId: folder.id }, sort: 'date-desc', cursor, limit: 1000 });
        if (page.messages.length > 0) ctx.stdout.write(page.messages.map(line).join(''));
        cursor = page.nextCursor;
      } while (cursor);
    }
    if (values.json) ctx.stdout.write(first ? ']\n' : '\n]\n');
    return 0;
  },
};
