import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMessage, type MessageSpec } from '../../../../electron/mime/build-message';
import { replySubject, threadHeaders } from '../../../../electron/mime/response-headers';
import { plainQuote } from '../../../../renderer/compose/quote-text';
import type { QuotedOriginal } from '../../../../shared/contract/outgoing';

/**
 * Golden MIME snapshots of the two answers people send most: a plain-text (format=flowed) reply and an
 * HTML reply with a pasted picture. The bytes built are compared with test/fixtures/golden/*.eml, line by
 * line, so any change in what goes on the wire (headers, structure, transfer encodings, the flowed
 * wrapping, the plain alternative) shows in review as a diff of that file. Only the multipart boundary,
 * random per message, is replaced by a fixed one before comparing.
 *
 * After a deliberate change: `HOMING_UPDATE_GOLDEN=1 npx vitest run test/unit/electron/mime/golden-replies.test.ts`
 * rewrites the files; read their diff before committing it.
 */

const goldenDir = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'golden');
const update = process.env.HOMING_UPDATE_GOLDEN === '1';

/** nodemailer's boundaries are `--_NmP-<16 random hex>-Part_<n>`; the number part is kept (it shows the nesting). */
const fixedBoundaries = (raw: string) => raw.replace(/--_NmP-[0-9a-f]{16}-Part_/g, '--_NmP-0000000000000000-Part_');

function compareWithGolden(name: string, raw: Buffer): void {
  const file = join(goldenDir, name);
  const actual = fixedBoundaries(raw.toString('utf8'));
  if (update) writeFileSync(file, actual);
  const golden = readFileSync(file, 'utf8');
  // Line by line first, so a failure names the first line that differs rather than two 3 KB strings.
  expect(actual.split('\r\n')).toEqual(golden.split('\r\n'));
  expect(actual).toBe(golden);
}

// The attribution line is written in this computer's time zone; the snapshot is taken in UTC.
let savedTz: string | undefined;
beforeAll(() => {
  savedTz = process.env.TZ;
  process.env.TZ = 'UTC';
});
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

const ann = { name: 'Ann Example', address: 'ann@example.org' };
const bob = { name: 'Bob Müller', address: 'bob@example.net' };

/** The original being answered, as the service hands it to the composer (prepareResponse). */
const original: QuotedOriginal = {
  messageId: 7,
  from: ann,
  to: [bob],
  cc: [],
  date: '2025-03-03T10:15:00Z',
  subject: 'Re: Quarterly report',
  text:
    'Hi Bob,\n\n' +
    'The quarterly report is attached. Please read the summary on page two before Thursday’s meeting, and send your comments to me.\n' +
    'From now on the figures come from the new system.\n\n' +
    '> Can we have the report by Friday?\n' +
    '>> Last quarter’s was late.\n\n' +
    '-- \nAnn Example\nExample Ltd.\n',
  html: null,
};
const originalHeaders = { messageId: '<report-2@example.org>', references: ['<report-1@example.net>'], inReplyTo: '<report-1@example.net>' };

/** What Bob typed above the quote: a long line that must flow, a line starting with a space, one starting with "From ", an emptied line with trailing spaces. */
const typedReply =
  'Thanks Ann, I read the summary; the numbers for the northern region look lower than what we discussed in January, can you check them?\n' +
  '   Indented: this keeps its three spaces.\n' +
  'From Thursday on I am out of the office.\n' +
  'See you then.   ';

const base = (spec: Partial<MessageSpec>): MessageSpec => ({
  from: bob,
  replyTo: null,
  to: [ann],
  cc: [],
  subject: replySubject(original.subject),
  text: '',
  html: null,
  attachments: [],
  ...threadHeaders(originalHeaders),
  messageId: 'golden.1@example.net',
  date: new Date('2025-03-04T08:30:00Z'),
  ...spec,
});

describe('golden MIME of a plain-text reply (format=flowed)', () => {
  // The composer's plain-text reply as the user sends it: what they typed above the signature and the quote
  // (renderer/compose/load-compose.ts lays the body out this way, reply above the quote by default).
  const signature = '-- \nBob Müller\nExample GmbH';
  const quote = plainQuote(original, 'reply', original.text!, 'en-GB');
  const composed = () => `${typedReply}\n\n${signature}\n\n${quote}`;

  it('is byte for byte the committed plain-reply.eml', async () => {
    const built = await buildMessage(base({ text: composed() }));
    compareWithGolden('plain-reply.eml', built.raw);
  });

  it('decodes (as a reader of format=flowed does) to the text typed, the signature and the quote', async () => {
    const built = await buildMessage(base({ text: composed() }));
    const parsed = await simpleParser(built.raw);
    expect(parsed.html).toBe(false);
    // Trailing spaces of a line the user ended are dropped (they would join it to the next, RFC 3676 §4.2).
    const expected = composed()
      .split('\n')
      .map((line) => (line === '-- ' || /^>+ -- $/.test(line) ? line : line.replace(/ +$/, '')))
      .join('\n');
    expect(parsed.text?.replace(/\n$/, '')).toBe(expected);
    // The quote kept its depth: Ann's own quote is now two levels deep, its quote three.
    expect(parsed.text).toContain('\n>> Can we have the report by Friday?\n>>> Last quarter’s was late.\n');
  });
});

/** A 1×1 PNG, as a picture pasted into the editor arrives (a data: URL it turns into an inline part). */
const PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const CONTENT_ID = 'image1.0a1b2c3d4e5f@homing';

/**
 * The body of an HTML reply as the composer hands it over (renderer/compose/editor-html.ts toOutput): a
 * <div> per line and `<div><br></div>` per empty line, the pasted picture as `cid:`, the signature, the
 * attribution, and the quote in its scoped container with the original's <style> (renamed classes).
 */
const composerHtml =
  '<div>Thanks Ann, the chart below shows the <b>northern region</b>; see <a href="https://example.net/q1">the full figures</a>.</div>' +
  '<div><br></div>' +
  `<div><img src="cid:${CONTENT_ID}" alt="Chart of the northern region" width="1" height="1"></div>` +
  '<div><br></div>' +
  '<div class="homing-signature"><div>-- </div><div>Bob Müller</div></div>' +
  '<div><br></div>' +
  '<div>On Mon, 3 Mar 2025 at 10:15, Ann Example &lt;ann@example.org&gt; wrote:</div>' +
  '<blockquote type="cite" class="homing-cite homing-cite-x7" style="margin:0 0 0 0.8ex;border-left:1px solid #ccc;padding-left:1ex">' +
  '<style>.homing-cite-x7 .hq-lead { color: #333366; font-weight: bold }</style>' +
  '<p class="hq-lead">Hi Bob,</p><p>The quarterly report is attached.</p>' +
  '</blockquote>';

describe('golden MIME of an HTML reply with an inline picture', () => {
  const spec = () =>
    base({
      html: composerHtml,
      attachments: [{ filename: 'image1.png', contentType: 'image/png', content: Buffer.from(PIXEL_PNG, 'base64'), contentId: CONTENT_ID }],
    });

  it('is byte for byte the committed html-reply-inline-image.eml', async () => {
    const built = await buildMessage(spec());
    compareWithGolden('html-reply-inline-image.eml', built.raw);
  });

  it('reads back as text/plain beside multipart/related (HTML and picture): the picture inline by its Content-ID, CSS inlined, a flowed plain alternative', async () => {
    const built = await buildMessage(spec());
    const raw = built.raw.toString('utf8');
    // Thunderbird's shape: the plain alternative needs no picture, so only the HTML is related to it.
    expect(raw.indexOf('multipart/alternative')).toBeLessThan(raw.indexOf('multipart/related'));
    const parsed = await simpleParser(built.raw, { keepCidLinks: true });
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]).toMatchObject({ contentType: 'image/png', cid: CONTENT_ID, related: true });
    expect(parsed.attachments[0]!.content.toString('base64')).toBe(PIXEL_PNG);
    expect(parsed.html).toContain(`src="cid:${CONTENT_ID}"`);
    expect(parsed.html).toMatch(/<p class="hq-lead" style="color: #333366; font-weight: bold;?">/);
    expect(parsed.text).toContain('Thanks Ann, the chart below shows the northern region; see the full figures [https://example.net/q1].');
    expect(parsed.text).toContain('\n> Hi Bob,\n');
    expect(parsed.text).toContain('\n-- \nBob Müller\n');
  });
});
