import { createRequire } from 'node:module';
import type * as LibMime from 'libmime';
import type * as MailParserModule from 'mailparser';

/*
 * mailparser and libmime, each loaded on first use rather than when a module that may need them is
 * loaded. Loading libmime (its charset tables) costs ~35 ms of a process's start here, mailparser (which
 * brings libmime, html-to-text and an HTML parser) ~100 ms: `homing folders`, `list`, `search`, and
 * `show` of a plain-text message (plain-message.ts) need neither. `require`, not `import()`: some callers
 * are synchronous (an SQL function, the header readers), and the bundles are CommonJS.
 */
const load = createRequire(__filename);
let libmimeModule: typeof LibMime.default | null = null;
let mailparserModule: typeof MailParserModule | null = null;

export const libmime = (): typeof LibMime.default => (libmimeModule ??= (load('libmime') as typeof LibMime).default);
export const mailparser = (): typeof MailParserModule => (mailparserModule ??= load('mailparser') as typeof MailParserModule);
