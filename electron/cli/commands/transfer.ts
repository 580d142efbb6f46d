import { resolve } from 'node:path';
import { HomingError } from '../../../shared/errors';
import type { CliCommand } from '../command';
import { printJson } from '../terminal-text';
import { withHeadersOnlyHint } from '../headers-only';
import { parse, requireOption } from '../parse';

export const importMail: CliCommand = {
  name: 'import',
  usage: 'import PATH --folder PATH [--account ID] [--json]   (mbox, Maildir or .eml; account defaults to local)',
  summary: 'import mail from an mbox file, a Maildir folder or .eml files',
  async run(ctx, argv) {
    const { values, positionals } = parse(
      argv,
      { account: { type: 'string' }, folder: { type: 'string' }, json: { type: 'boolean' } },
      this.usage,
    );
    const path = requireOption(positionals[0], 'PATH', this.usage);
    const result = await (await ctx.service()).importMail({
      path: resolve(path),
      accountId: values.account ?? 'local',
      folderPath: requireOption(values.folder, 'folder', this.usage),
    });
    if (values.json) printJson(ctx, result);
    else ctx.stderr.write(`imported ${result.imported}, already present ${result.duplicates}, unparsable (kept raw) ${result.unparsable}\n`);
    return 0;
  },
};

export const exportMail: CliCommand = {
  name: 'export',
  usage: 'export --account ID --folder PATH --mbox OUT [--headers-only] | export --message ID --eml OUT [--headers-only]',
  summary:
    'export a folder to mbox, or a message to .eml, byte for byte (bodies not downloaded yet are fetched first, or BODY_NOT_DOWNLOADED; --headers-only: header blocks alone, never fetching)',
  async run(ctx, argv) {
    const { values } = parse(
      argv,
      {
        account: { type: 'string' },
        folder: { type: 'string' },
        mbox: { type: 'string' },
        message: { type: 'string' },
        eml: { type: 'string' },
        'headers-only': { type: 'boolean' },
      },
      this.usage,
    );
    const service = await ctx.service();
    const part = values['headers-only'] ? 'headers' : 'whole';
    if (values.message !== undefined) {
      const id = Number(values.message);
      if (!Number.isSafeInteger(id) || id <= 0) throw new HomingError('INVALID_ARGUMENT', `not a message id: ${values.message}`);
      await withHeadersOnlyHint(service.exportMessage({ id, emlPath: resolve(requireOption(values.eml, 'eml', this.usage)), part }));
      return 0;
    }
    const result = await withHeadersOnlyHint(
      service.exportFolder({
        accountId: requireOption(values.account, 'account', this.usage),
        folderPath: requireOption(values.folder, 'folder', this.usage),
        mboxPath: resolve(requireOption(values.mbox, 'mbox', this.usage)),
        part,
      }),
    );
    ctx.stderr.write(`exported ${result.exported} messages\n`);
    return 0;
  },
};
