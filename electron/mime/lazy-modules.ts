import { createRequire } from 'node:module';
import type * as HtmlToText from 'html-to-text';
import type Juice from 'juice';
import type * as LibMime from 'libmime';
import type * as MailParserModule from 'mailparser';
import type MailComposerClass from 'nodemailer/lib/mail-composer';

/*
 * mailparser and libmime (and, for sending, juice, html-to-text and nodemailer's MailComposer), each loaded on first use rather than when a module that may need them is
 * loaded. Loading libmime (its charset tables) costs ~35 ms of a process's start here, mailparser (which
 * brings libmime, html-to-text and an HTML parser) ~100 ms: `homing folders`, `list`, `search`, and
 * `show` of a plain-text message (plain-message.ts) need neither. `require`, not `import()`: some callers
 * are synchronous (an SQL function, the header readers), and the bundles are CommonJS. The sending
 * modules are the sync worker's: loaded with it they held ~10 MB of its heap in every sync, sending or not
 * (juice brings cheerio and its CSS parsers).
 */
const load = createRequire(__filename);
let libmimeModule: typeof LibMime.default | null = null;
let mailparserModule: typeof MailParserModule | null = null;
let juiceModule: typeof Juice | null = null;
let htmlToTextModule: typeof HtmlToText | null = null;
let mailComposerModule: typeof MailComposerClass | null = null;

export const libmime = (): typeof LibMime.default => (libmimeModule ??= (load('libmime') as typeof LibMime).default);
export const mailparser = (): typeof MailParserModule => (mailparserModule ??= load('mailparser') as typeof MailParserModule);
export const juice = (): typeof Juice => (juiceModule ??= load('juice') as typeof Juice);
export const htmlToText = (): typeof HtmlToText => (htmlToTextModule ??= load('html-to-text') as typeof HtmlToText);
export const MailComposer = (): typeof MailComposerClass => (mailComposerModule ??= load('nodemailer/lib/mail-composer') as typeof MailComposerClass);
