/**
 * A deterministic mailbox for the IMAP benchmark, written straight into a Maildir as a delivery agent
 * would. Sizes follow a hosting mailbox's mix and average about 45 KB (the reference run in bench/README.md:
 * 10,000 messages, about 460 MB): mostly short text, some HTML newsletters, and one in seven with an
 * attachment (random bytes, base64: incompressible, like real photos and PDFs). CRLF line ends.
 */
import { createCipheriv } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from './store-corpus';

const WORDS = 'the of and to in is you that it he was for on are as with his they at be this have from or one had by word but not what all were we when your can said there use an each which she do how their if will up other about out many then them these so some her would make like him into time has look two more write go see number no way could people my than first water been call who oil its now find long down day did get come made may part'.split(
  ' ',
);

function text(random: () => number, bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    let line = '';
    while (line.length < 60 + random() * 10) line += `${WORDS[Math.floor(random() * WORDS.length)]} `;
    lines.push(line.trimEnd());
    size += line.length + 2;
  }
  return lines.join('\r\n');
}

function message(i: number, random: () => number): Buffer {
  const date = new Date(Date.UTC(2015, 0, 1) + i * 3_600_000 * 7);
  const head = [
    `From: Person ${i % 97} <person${i % 97}@example.org>`,
    'To: Alice <alice@example.org>',
    `Subject: Benchmark message ${i} ${WORDS[i % WORDS.length]}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <bench-${i}@example.org>`,
    'MIME-Version: 1.0',
  ];
  const kind = random();
  if (kind < 0.6) {
    return Buffer.from(`${head.join('\r\n')}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text(random, 1000 + random() * 7000)}\r\n`);
  }
  if (kind < 0.86) {
    const body = text(random, 8000 + random() * 25000);
    const html = `<html><body><p>${body.replace(/\r\n/g, '</p>\r\n<p>')}</p></body></html>`;
    return Buffer.from(
      `${head.join('\r\n')}\r\nContent-Type: multipart/alternative; boundary="b${i}"\r\n\r\n--b${i}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n--b${i}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n--b${i}--\r\n`,
    );
  }
  // AES-CTR over zeros: deterministic, incompressible bytes, fast.
  const key = Buffer.alloc(16, i & 0xff);
  key.writeUInt32BE(i, 0);
  const attachment = createCipheriv('aes-128-ctr', key, Buffer.alloc(16))
    .update(Buffer.alloc(Math.floor(80_000 + random() * 160_000)))
    .toString('base64')
    .replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    `${head.join('\r\n')}\r\nContent-Type: multipart/mixed; boundary="m${i}"\r\n\r\n--m${i}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text(random, 1500)}\r\n--m${i}\r\nContent-Type: application/pdf; name="report-${i}.pdf"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="report-${i}.pdf"\r\n\r\n${attachment}\r\n--m${i}--\r\n`,
  );
}

/**
 * The generator's version, part of the cache's name: bump it whenever `message()` or `writeImapCorpus()` would
 * write different bytes, so a cached corpus of an older generator is never reused by mistake.
 */
export const IMAP_CORPUS_VERSION = 1;

/** Writes `count` messages into `maildir/cur` (Maildir INBOX); returns the total bytes. */
export function writeImapCorpus(maildir: string, count: number, seed = 42): number {
  const random = mulberry32(seed);
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true });
  let total = 0;
  for (let i = 0; i < count; i++) {
    const bytes = message(i, random);
    const when = new Date(Date.UTC(2015, 0, 1) + i * 3_600_000 * 7);
    const path = join(maildir, 'cur', `${Math.floor(when.getTime() / 1000)}.B${i}.bench:2,${i % 3 === 0 ? 'S' : ''}`);
    writeFileSync(path, bytes);
    utimesSync(path, when, when);
    total += bytes.length;
  }
  return total;
}

/**
 * Puts the corpus of `count` messages into `maildir/cur`, written once into `.cache/bench/imap-corpus-vV-N/`
 * (generator version and size) and hard-linked
 * from there on every later run (a copy where links cannot be made): writing 100,000 messages (4.6 GB)
 * takes longer than syncing them. Dovecot only renames its files and never changes one, so the cached
 * files stay what they were. Returns the total bytes.
 */
export function placeImapCorpus(root: string, maildir: string, count: number): number {
  const cache = join(root, '.cache', 'bench', `imap-corpus-v${IMAP_CORPUS_VERSION}-${count}`);
  const marker = join(cache, '.complete');
  if (!existsSync(marker)) {
    // Written beside the cache and renamed into place once whole: an interrupted run, or two benches
    // generating at once, never leave a half-written corpus where the next run would take it.
    const partial = `${cache}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    const bytes = writeImapCorpus(partial, count);
    writeFileSync(join(partial, '.complete'), JSON.stringify({ count, bytes, version: IMAP_CORPUS_VERSION }));
    if (!existsSync(marker)) {
      rmSync(cache, { recursive: true, force: true });
      renameSync(partial, cache);
    } else {
      rmSync(partial, { recursive: true, force: true });
    }
  }
  const { bytes } = JSON.parse(readFileSync(marker, 'utf8')) as { bytes: number };
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true });
  for (const name of readdirSync(join(cache, 'cur'))) {
    const from = join(cache, 'cur', name);
    const to = join(maildir, 'cur', name);
    try {
      linkSync(from, to);
    } catch {
      copyFileSync(from, to);
    }
  }
  return bytes;
}
