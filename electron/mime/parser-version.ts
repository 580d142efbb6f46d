/**
 * The reading of stored mail this code gives. Raise it with every change of parsing that reads mail
 * already stored differently (its subject, names, text, snippet, attachments or index words): the writer
 * then reads every message stored before it again from its stored bytes, in the background
 * (sync/reread-runner.ts, store/reread.ts), so a fix reaches old mail too, not only mail that arrives
 * after it. Stores made before this number existed count as version 0.
 *
 * 1: what was fixed before it was kept, among them raw 8-bit headers read in the declared charset,
 *    uuencoded files as attachments, the text of opaque S/MIME signed mail, stray CRs as line ends.
 * 2: text labelled UTF-7, or with a charset label no decoder knows (utf7.ts, undeclared-charset.ts).
 * 3: messages of more than 1,000 MIME parts (MAX_MIME_PARTS).
 * 4: a header field of a megabyte (header-bound.ts), text labelled base64 that is not (mislabelled-base64.ts).
 * 5: the text of HTML-only mail with a large data: picture in it (htmlForText).
 * 6: a header field of a megabyte in a MIME part's header block (header-bound.ts).
 */
export const PARSER_VERSION = 6;
