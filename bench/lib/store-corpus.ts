/**
 * A deterministic mail corpus for the store benchmark: the same seed gives the same bytes. Plain text in
 * several Western charsets, HTML (alone and as an alternative), attachments with RFC 2231 names,
 * inline images, CJK and Cyrillic mail in their legacy charsets, threads (with and without
 * References), and a share of malformed messages. Written as a Maildir so notmuch can index the very
 * same files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'ba', 'de', 'fi', 'go', 'hu', 'ja', 'ko', 'li', 'mo', 'nu', 'pa', 'ri', 'so', 'tu', 'ven', 'wa', 'xi', 'yo', 'zu', 'tor', 'lan'];
const WESTERN = ['crème', 'café', 'naïve', 'résumé', 'façade', 'Müller', 'Größe', 'smörgåsbord', 'jalapeño', 'São', 'Zürich', 'coöperate'];
const CJK_WORDS = {
  ja: ['会議', '東京', '明日', '資料', '予定', '確認', 'お願いします', '報告', '問題', '連絡', '来週', '担当'],
  zh: ['会议', '北京', '报告', '问题', '项目', '时间', '明天', '资料', '安排', '确认'],
  ko: ['회의', '서울', '보고서', '일정', '확인', '내일', '자료', '문제'],
};
const RU_WORDS = ['встреча', 'Москва', 'отчёт', 'проект', 'завтра', 'вопрос', 'документы', 'срок'];
const FIRST = ['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank', 'Grace', 'Heidi', 'Ivan', 'Judy', 'Mallory', 'Niaj', 'Olivia', 'Peggy', 'Rupert', 'Sybil', 'Trent', 'Victor', 'Walter', 'Zoë', 'Jürgen', 'François', 'Søren', 'Ólafur', 'José', 'Łukasz', 'Čeněk', 'Hiroshi', 'Mei', 'Olga'];
const LAST = ['Smith', 'Jones', 'Müller', 'García', 'Rossi', 'Dubois', 'Novák', 'Kowalski', 'Tanaka', 'Wang', 'Kim', 'Ivanova', 'Olsen', 'Silva', 'Okafor', 'Nguyen', 'Cohen', 'Haddad', 'Brown', 'Lee'];

export interface CorpusWords {
  common: string;
  mid: string;
  rare: string;
  bigram: [string, string];
  person: string;
}

/** The vocabulary, Zipf-distributed: rank r is drawn with weight 1/(r+1). */
function vocabulary(): string[] {
  const rand = mulberry32(7);
  const words = new Set<string>();
  while (words.size < 6000) {
    const n = 2 + Math.floor(rand() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(rand() * SYLLABLES.length)];
    words.add(w);
  }
  return [...words];
}

export const VOCABULARY = vocabulary();
const CUMULATIVE = (() => {
  const out: number[] = [];
  let sum = 0;
  for (let r = 0; r < VOCABULARY.length; r++) out.push((sum += 1 / (r + 1)));
  return out.map((v) => v / sum);
})();

function word(rand: () => number): string {
  const x = rand();
  let lo = 0;
  let hi = CUMULATIVE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (CUMULATIVE[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return VOCABULARY[lo]!;
}

function sentence(rand: () => number, min = 6, max = 16): string {
  const n = min + Math.floor(rand() * (max - min));
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(rand() < 0.03 ? WESTERN[Math.floor(rand() * WESTERN.length)]! : word(rand));
  const s = out.join(' ');
  return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
}

function paragraph(rand: () => number): string {
  const n = 2 + Math.floor(rand() * 5);
  return Array.from({ length: n }, () => sentence(rand)).join(' ');
}

function wrap(text: string, width = 72): string {
  const lines: string[] = [];
  let line = '';
  for (const w of text.split(' ')) {
    if (line && line.length + w.length + 1 > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.join('\r\n');
}

function person(i: number): { name: string; address: string } {
  const first = FIRST[i % FIRST.length]!;
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
  const ascii = `${first}.${last}`.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').toLowerCase();
  return { name: `${first} ${last}`, address: `${ascii}${i}@example${i % 7}.org` };
}

function encodedWord(text: string): string {
  // RFC 2047 B encoding of UTF-8, when the text is not plain ASCII.
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`;
}

function addressHeader(p: { name: string; address: string }): string {
  return `${encodedWord(p.name)} <${p.address}>`;
}

function qp(bytes: Buffer): string {
  let out = '';
  let line = '';
  for (const b of bytes) {
    const ch = b === 0x0d || b === 0x0a ? '\n' : b >= 33 && b <= 126 && b !== 61 ? String.fromCharCode(b) : b === 32 ? ' ' : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
    if (ch === '\n') {
      if (b === 0x0a) {
        out += `${line}\r\n`;
        line = '';
      }
      continue;
    }
    if (line.length + ch.length > 75) {
      out += `${line}=\r\n`;
      line = '';
    }
    line += ch;
  }
  return out + line;
}

function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

/** Marks a message written without any header block. */
const NO_HEADER = '\u0000no-header';

interface Built {
  headers: string[];
  body: string | Buffer;
  subject: string;
}

interface ThreadRef {
  id: string;
  subject: string;
  refs: string[];
}

export interface CorpusStats {
  count: number;
  bytes: number;
  words: CorpusWords;
}

/** Writes `count` messages into `maildir/cur`; returns the total size and the words the query set uses. */
export function writeCorpus(maildir: string, count: number): CorpusStats {
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true });
  const rand = mulberry32(20240101);
  const recent: ThreadRef[] = [];
  const start = Date.UTC(2019, 0, 1);
  const span = 5 * 365 * 24 * 3600 * 1000;
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const from = person(Math.floor(rand() * 600));
    const to = person(Math.floor(rand() * 600));
    const date = new Date(start + Math.floor((i / count) * span) + Math.floor(rand() * 3600_000));
    const messageId = `<bench-${i}@example.org>`;
    let subject = sentence(rand, 3, 7).replace(/\.$/, '');
    let threadHeaders: string[] = [];
    const reply = recent.length > 0 && rand() < 0.3 ? recent[Math.floor(rand() * recent.length)]! : null;
    if (reply) {
      subject = `Re: ${reply.subject.replace(/^Re: /, '')}`;
      const refs = [...reply.refs, reply.id].slice(-10);
      // One reply in twenty comes from a mailer that drops References: the subject fallback threads it.
      if (rand() >= 0.05) threadHeaders = [`In-Reply-To: ${reply.id}`, `References: ${refs.join(' ')}`];
      recent.push({ id: messageId, subject, refs });
    } else recent.push({ id: messageId, subject, refs: [] });
    if (recent.length > 200) recent.shift();

    const built = buildBody(rand, i, subject);
    const headers = [
      `Return-Path: <${from.address}>`,
      `From: ${addressHeader(from)}`,
      `To: ${addressHeader(to)}`,
      ...(rand() < 0.2 ? [`Cc: ${addressHeader(person(Math.floor(rand() * 600)))}`] : []),
      `Subject: ${built.subject}`,
      `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
      `Message-ID: ${messageId}`,
      ...threadHeaders,
      ...built.headers,
    ];
    const head = Buffer.from(`${headers.join('\r\n')}\r\n\r\n`, 'utf8');
    const body = typeof built.body === 'string' ? Buffer.from(built.body, 'latin1') : built.body;
    const message = built.headers[0] === NO_HEADER ? body : Buffer.concat([head, body]);
    const seen = rand() < 0.75;
    const flagged = rand() < 0.05;
    const name = `${1546300800 + i}.M${i}P1.bench:2,${flagged ? 'F' : ''}${seen ? 'S' : ''}`;
    writeFileSync(join(maildir, 'cur', name), message);
    bytes += message.length;
  }
  return {
    count,
    bytes,
    words: { common: VOCABULARY[3]!, mid: VOCABULARY[150]!, rare: VOCABULARY[2500]!, bigram: [VOCABULARY[0]!, VOCABULARY[1]!], person: 'Jürgen' },
  };
}

function buildBody(rand: () => number, i: number, subject: string): Built {
  const r = rand();
  const text = () => Array.from({ length: 1 + Math.floor(rand() * 4) }, () => wrap(paragraph(rand))).join('\r\n\r\n');
  const utf8Subject = encodedWord(subject);
  if (r < 0.45) {
    return { subject: utf8Subject, headers: ['MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit'], body: Buffer.from(`${text()}\r\n`) };
  }
  if (r < 0.55) {
    return {
      subject: `=?ISO-8859-1?B?${iconv.encode(subject, 'iso-8859-1').toString('base64')}?=`,
      headers: ['MIME-Version: 1.0', 'Content-Type: text/plain; charset=iso-8859-1', 'Content-Transfer-Encoding: quoted-printable'],
      body: `${qp(iconv.encode(`${text()}\r\n`, 'iso-8859-1'))}`,
    };
  }
  if (r < 0.6) {
    // Raw 8-bit windows-1252 in the body, as old Outlook versions sent it.
    return {
      subject: utf8Subject,
      headers: ['MIME-Version: 1.0', 'Content-Type: text/plain; charset=windows-1252', 'Content-Transfer-Encoding: 8bit'],
      body: iconv.encode(`${text()} – “quoted” €5\r\n`, 'windows-1252'),
    };
  }
  if (r < 0.8) {
    const plain = text();
    const html = `<html><body>${plain
      .split('\r\n\r\n')
      .map((p) => `<p>${p.replace(/\r\n/g, ' ')}</p>`)
      .join('\r\n')}<p><a href="https://example.org/x">link</a></p></body></html>`;
    return {
      subject: utf8Subject,
      headers: ['MIME-Version: 1.0', `Content-Type: multipart/alternative; boundary="alt-${i}"`],
      body: Buffer.from(
        `--alt-${i}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${qp(Buffer.from(plain))}\r\n` +
          `--alt-${i}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${qp(Buffer.from(html))}\r\n--alt-${i}--\r\n`,
        'latin1',
      ),
    };
  }
  if (r < 0.85) {
    const html = `<html><head><style>p{color:#333}</style></head><body><table><tr><td>${text().replace(/\r\n/g, '<br>')}</td></tr></table><img src="https://tracker.example/p.gif"></body></html>`;
    return { subject: utf8Subject, headers: ['MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: base64'], body: `${base64Lines(Buffer.from(html))}\r\n` };
  }
  if (r < 0.93) {
    const size = 2000 + Math.floor(rand() * 58000);
    const content = Buffer.alloc(size);
    for (let k = 0; k < size; k++) content[k] = Math.floor(rand() * 256);
    const ext = ['pdf', 'xlsx', 'zip', 'docx', 'jpg'][Math.floor(rand() * 5)]!;
    const filename = rand() < 0.3 ? `Übersicht ${word(rand)} ${i}.${ext}` : `${word(rand)}-${i}.${ext}`;
    const disposition = /^[\x20-\x7e]*$/.test(filename)
      ? `attachment; filename="${filename}"`
      : `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`;
    return {
      subject: utf8Subject,
      headers: ['MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="mix-${i}"`],
      body: Buffer.from(
        `--mix-${i}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text()}\r\n--mix-${i}\r\nContent-Type: application/octet-stream\r\nContent-Disposition: ${disposition}\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(content)}\r\n--mix-${i}--\r\n`,
        'utf8',
      ),
    };
  }
  if (r < 0.955) {
    const lang = (['ja', 'ja', 'zh', 'ko'] as const)[Math.floor(rand() * 4)]!;
    const charset = lang === 'ja' ? (rand() < 0.5 ? 'shift_jis' : 'euc-jp') : lang === 'zh' ? 'gb2312' : 'euc-kr';
    const words = CJK_WORDS[lang];
    const line = () => Array.from({ length: 8 + Math.floor(rand() * 12) }, () => words[Math.floor(rand() * words.length)]).join('') + '。';
    const cjkSubject = Array.from({ length: 3 }, () => words[Math.floor(rand() * words.length)]).join('');
    return {
      subject: `=?${charset.toUpperCase()}?B?${iconv.encode(cjkSubject, charset).toString('base64')}?=`,
      headers: ['MIME-Version: 1.0', `Content-Type: text/plain; charset=${charset}`, 'Content-Transfer-Encoding: base64'],
      body: `${base64Lines(iconv.encode(`${line()}\r\n${line()}\r\n`, charset))}\r\n`,
    };
  }
  if (r < 0.975) {
    const charset = rand() < 0.5 ? 'koi8-r' : 'windows-1251';
    const ru = Array.from({ length: 10 }, () => RU_WORDS[Math.floor(rand() * RU_WORDS.length)]).join(' ');
    return {
      subject: `=?${charset.toUpperCase()}?B?${iconv.encode(RU_WORDS[i % RU_WORDS.length]!, charset).toString('base64')}?=`,
      headers: ['MIME-Version: 1.0', `Content-Type: text/plain; charset=${charset}`, 'Content-Transfer-Encoding: 8bit'],
      body: iconv.encode(`${ru}.\r\n`, charset),
    };
  }
  if (r < 0.99) {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c636000010000050001' + '0d0a2db40000000049454e44ae426082', 'hex');
    return {
      subject: utf8Subject,
      headers: ['MIME-Version: 1.0', `Content-Type: multipart/related; boundary="rel-${i}"`],
      body: Buffer.from(
        `--rel-${i}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>${text()}</p><img src="cid:logo-${i}@example.org">\r\n` +
          `--rel-${i}\r\nContent-Type: image/png\r\nContent-ID: <logo-${i}@example.org>\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(png)}\r\n--rel-${i}--\r\n`,
      ),
    };
  }
  // Malformed: a quarter each of no header at all, a multipart never closed, a bogus charset with
  // broken encoded words, and a header line without a colon.
  const kind = Math.floor(rand() * 4);
  if (kind === 0) return { subject: utf8Subject, headers: [NO_HEADER], body: Buffer.from(`\x00\x01 ${text()}\r\n`) };
  if (kind === 1) {
    return {
      subject: utf8Subject,
      headers: ['MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="cut-${i}"`],
      body: Buffer.from(`--cut-${i}\r\nContent-Type: text/plain\r\n\r\n${text()}\r\n--cut-${i}\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK`),
    };
  }
  if (kind === 2) {
    return { subject: `=?x-unknown?Q?broken=ZZ?= ${subject}`, headers: ['Content-Type: text/plain; charset=x-no-such-charset'], body: Buffer.from(`${text()}\r\n`) };
  }
  return { subject: utf8Subject, headers: ['This line has no colon at all'], body: Buffer.from(`${text()}\r\n`) };
}
