import { HomingError } from '../../../shared/errors';
import { printJson } from '../cli-context';
import type { CliCommand } from '../command';
import { parse, parseIds } from '../parse';

export const show: CliCommand = {
  name: 'show',
  usage: 'show ID [--raw | --text | --html | --json]',
  summary: 'print one message (--raw: the exact stored bytes)',
  async run(ctx, argv) {
    const { values, positionals } = parse(
      argv,
      { raw: { type: 'boolean' }, text: { type: 'boolean' }, html: { type: 'boolean' }, json: { type: 'boolean' } },
      this.usage,
    );
    const [id] = parseIds(positionals.slice(0, 1), this.usage) as [number];
    const service = await ctx.service();
    if (values.raw) {
      const source = await service.getMessageSource({ id });
      await write(ctx.stdout, Buffer.from(source.base64, 'base64'));
      return 0;
    }
    const message = await service.getMessage({ id });
    if (values.json) printJson(ctx, message);
    else if (values.html) {
      if (message.html === null) throw new HomingError('NOT_FOUND', `Message ${id} has no HTML part.`);
      ctx.stdout.write(message.html);
    } else if (values.text) ctx.stdout.write(message.text ?? '');
    else {
      const from = message.from ? `${message.from.name} <${message.from.address}>` : '';
      ctx.stdout.write(`From: ${from}\nTo: ${message.to.map((a) => a.address).join(', ')}\nDate: ${message.date ?? ''}\n`);
      ctx.stdout.write(`Subject: ${message.subject}\n\n${message.text ?? ''}\n`);
      for (const a of message.attachmentList) ctx.stdout.write(`[attachment] ${a.filename} (${a.contentType}, ${a.size} bytes)\n`);
    }
    return 0;
  },
};

function write(stream: NodeJS.WritableStream, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => stream.write(bytes, (error) => (error ? reject(error) : resolve())));
}
