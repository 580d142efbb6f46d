import type { CliCommand } from '../command';
import { parse } from '../parse';
import { inlineText, printJson } from '../terminal-text';

export const search: CliCommand = {
  name: 'search',
  usage: 'search QUERY [--account ID] [--limit N] [--json]',
  summary: 'search all mail (from:, to:, subject:, has:attachment, is:unread, before:, after:, in:, larger:, smaller:, "phrases", -word, OR, ( ))',
  async run(ctx, argv) {
    const { values, positionals } = parse(
      argv,
      { json: { type: 'boolean' }, account: { type: 'string' }, limit: { type: 'string' } },
      this.usage,
    );
    const query = positionals.join(' ');
    const result = await (await ctx.reader()).search({
      query,
      ...(values.account ? { accountId: values.account } : {}),
      ...(values.limit ? { limit: Number(values.limit) } : {}),
      // Only --json prints the highlights.
      ...(values.json ? {} : { highlights: false }),
    });
    if (values.json) printJson(ctx, result.hits);
    else {
      for (const m of result.hits) {
        const from = m.from ? m.from.name || m.from.address : '';
        ctx.stdout.write(`${m.id}\t${m.date ?? ''}\t${inlineText(m.folder)}\t${inlineText(from)}\t${inlineText(m.subject)}\n`);
      }
    }
    return 0;
  },
};
