import { HomingError } from '../../../shared/errors';
import type { CliCommand } from '../command';
import { parse, parseOneId } from '../parse';
import { withHeadersOnlyHint } from '../headers-only';
import { allPartsHere, readingNoteWords } from '../../../shared/reading-notes';
import { blockText, inlineText, printJson } from '../terminal-text';

export const show: CliCommand = {
  name: 'show',
  usage: 'show ID [--raw [--headers-only] | --text | --html | --json]',
  summary:
    'print one message (--raw: the whole message, byte for byte; a body not downloaded yet is fetched first, or BODY_NOT_DOWNLOADED; --headers-only: the header block alone, never fetching)',
  async run(ctx, argv) {
    const { values, positionals } = parse(
      argv,
      { raw: { type: 'boolean' }, 'headers-only': { type: 'boolean' }, text: { type: 'boolean' }, html: { type: 'boolean' }, json: { type: 'boolean' } },
      this.usage,
    );
    const id = parseOneId(positionals, this.usage);
    if (values.raw || values['headers-only']) {
      const part = values['headers-only'] ? 'headers' : 'whole';
      // Straight from the store, a chunk at a time: through getMessageSource a 100 MB message was held
      // three times over (the bytes, their base64, the bytes again), ~390 MB.
      const sources = await ctx.storedSources();
      if (sources && (part === 'headers' || sources.bodyStatus(id) === 'full')) {
        for (const chunk of sources.storedChunks(id, part === 'headers' ? 'headers' : 'stored')) await write(ctx.stdout, chunk);
        return 0;
      }
      // The body is downloaded first by the service, which then answers with the bytes.
      const reader = await ctx.reader();
      const source = await withHeadersOnlyHint(reader.getMessageSource({ id, part }));
      await write(ctx.stdout, Buffer.from(source.base64, 'base64'));
      return 0;
    }
    const service = await ctx.reader();
    const message = await service.getMessage({ id });
    if (values.json) printJson(ctx, message);
    else if (values.html) {
      if (message.html === null) throw new HomingError('NOT_FOUND', `Message ${id} has no HTML part.`);
      ctx.stdout.write(blockText(message.html));
    } else if (values.text) ctx.stdout.write(blockText(message.text ?? ''));
    else {
      // Every header value on one line: a CR/LF in a display name must not start a header line of its own.
      const from = message.from ? `${inlineText(message.from.name)} <${inlineText(message.from.address)}>` : '';
      const to = message.to.map((a) => inlineText(a.address)).join(', ');
      ctx.stdout.write(`From: ${from}\nTo: ${to}\nDate: ${message.date ?? ''}\n`);
      ctx.stdout.write(`Subject: ${inlineText(message.subject)}\n`);
      for (const note of message.readingNotes) {
        ctx.stdout.write(`[note] ${readingNoteWords(note)}${allPartsHere(note) ? ` homing assemble ${id} puts them together.` : ''}\n`);
      }
      for (const r of message.undelivered) ctx.stdout.write(`[not delivered] ${inlineText(r.address)} (${inlineText(r.response)})\n`);
      ctx.stdout.write(`\n${blockText(message.text ?? '')}\n`);
      for (const a of message.attachmentList) {
        ctx.stdout.write(`[attachment] ${inlineText(a.filename)} (${inlineText(a.contentType)}, ${a.size} bytes)\n`);
      }
    }
    return 0;
  },
};

function write(stream: NodeJS.WritableStream, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => stream.write(bytes, (error) => (error ? reject(error) : resolve())));
}
