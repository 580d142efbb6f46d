import type { CliCommand } from '../command';
import { parse, parseOneId } from '../parse';
import { printJson } from '../terminal-text';

export const assemble: CliCommand = {
  name: 'assemble',
  usage: 'assemble ID [--json]',
  summary:
    'put a message split for sending (message/partial) together from its stored parts, ID being any of them; the whole is stored as a new message (an IMAP account\'s: in Local Folders\' INBOX), the parts stay; prints its id',
  async run(ctx, argv) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' } }, this.usage);
    const id = parseOneId(positionals, this.usage);
    const result = await (await ctx.service()).assembleMessage({ id });
    if (values.json) printJson(ctx, result);
    else ctx.stdout.write(`${result.id}\n`);
    return 0;
  },
};
