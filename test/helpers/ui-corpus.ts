import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { deflateSync } from 'node:zlib';

/**
 * Mail for the browser suite: a small mailbox that looks like a real one (conversations, a newsletter
 * in HTML, inline images, attachments, unread and flagged mail) so the screenshots show the app as
 * people will see it, plus the hostile message and the bulk mbox for the 100,000-row list.
 */

const CRLF = '\r\n';

/** A solid-colour PNG of `size`×`size` pixels, encoded here (RFC 2083) so no binary fixture is needed. */
export function solidPng(size: number, rgb: [number, number, number]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: size }, () => rgb).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: size }, () => row)));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

export const PNG_LOGO = solidPng(24, [181, 86, 42]);
export const PNG_PHOTO = solidPng(64, [47, 111, 222]);

export interface UiMessage {
  /** File name in the generated folder (sorted = delivery order). */
  name: string;
  raw: Buffer;
}

function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

function headers(h: Record<string, string | undefined>): string {
  return Object.entries(h)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v}`)
    .join(CRLF);
}

function wrap64(b: Buffer): string {
  return b.toString('base64').replace(/.{76}/g, `$&${CRLF}`);
}

interface Spec {
  from: string;
  to?: string;
  cc?: string;
  subject: string;
  date: Date;
  id: string;
  inReplyTo?: string;
  text: string;
  html?: string;
  inline?: Array<{ cid: string; data: Buffer; type: string; name: string }>;
  attachments?: Array<{ name: string; type: string; data: Buffer }>;
}

export function buildMessage(spec: Spec): Buffer {
  const head = headers({
    From: spec.from,
    To: spec.to ?? 'Alice Martin <alice@example.org>',
    Cc: spec.cc,
    Subject: spec.subject,
    Date: rfc2822(spec.date),
    'Message-ID': `<${spec.id}>`,
    'In-Reply-To': spec.inReplyTo ? `<${spec.inReplyTo}>` : undefined,
    References: spec.inReplyTo ? `<${spec.inReplyTo}>` : undefined,
    'MIME-Version': '1.0',
  });
  const textPart = `Content-Type: text/plain; charset=utf-8${CRLF}Content-Transfer-Encoding: 8bit${CRLF}${CRLF}${spec.text}`;
  let body: string;
  let type: string;
  const alt = spec.html
    ? {
        type: 'multipart/alternative; boundary="alt"',
        body: [
          '--alt',
          textPart,
          '--alt',
          `Content-Type: text/html; charset=utf-8${CRLF}Content-Transfer-Encoding: 8bit${CRLF}${CRLF}${spec.html}`,
          '--alt--',
          '',
        ].join(CRLF),
      }
    : { type: 'text/plain; charset=utf-8', body: spec.text };
  if (spec.inline?.length) {
    const related = [
      '--rel',
      `Content-Type: ${alt.type}${CRLF}${CRLF}${alt.body}`,
      ...spec.inline.flatMap((p) => [
        '--rel',
        `Content-Type: ${p.type}; name="${p.name}"${CRLF}Content-Transfer-Encoding: base64${CRLF}Content-ID: <${p.cid}>${CRLF}Content-Disposition: inline; filename="${p.name}"${CRLF}${CRLF}${wrap64(p.data)}`,
      ]),
      '--rel--',
      '',
    ].join(CRLF);
    type = 'multipart/related; boundary="rel"';
    body = related;
  } else {
    type = alt.type;
    body = alt.type.startsWith('text/plain') ? spec.text : alt.body;
  }
  if (spec.attachments?.length) {
    body = [
      '--mix',
      `Content-Type: ${type}${CRLF}${type.startsWith('text/plain') ? `Content-Transfer-Encoding: 8bit${CRLF}` : ''}${CRLF}${body}`,
      ...spec.attachments.flatMap((a) => [
        '--mix',
        `Content-Type: ${a.type}; name="${a.name}"${CRLF}Content-Transfer-Encoding: base64${CRLF}Content-Disposition: attachment; filename="${a.name}"${CRLF}${CRLF}${wrap64(a.data)}`,
      ]),
      '--mix--',
      '',
    ].join(CRLF);
    type = 'multipart/mixed; boundary="mix"';
  }
  const encoding = type.startsWith('text/plain') ? `${CRLF}Content-Transfer-Encoding: 8bit` : '';
  return Buffer.from(`${head}${CRLF}Content-Type: ${type}${encoding}${CRLF}${CRLF}${body}`, 'utf8');
}

const day = 86_400_000;

/**
 * About twenty messages that look like an ordinary inbox, dated relative to `now`. "Today" is the last
 * day whose 11:00 has passed: before that, today's 08:41 would be in the future and newer than messages
 * dated an hour ago (the hostile one), which tests expect to top the list.
 */
export function everydayMail(now = new Date()): UiMessage[] {
  const today = now.getHours() >= 11 ? now : new Date(now.getTime() - day);
  const t = (daysAgo: number, hour: number, minute = 0) => {
    const d = new Date(today.getTime() - daysAgo * day);
    d.setHours(hour, minute, 0, 0);
    return d;
  };
  const specs: Spec[] = [
    {
      from: 'Hannah Schmidt <hannah@studio-nord.example>',
      subject: 'Photos from the Lisbon trip',
      date: t(9, 18, 5),
      id: 'lisbon-1@studio-nord.example',
      text: 'Hi Alice,\n\nFinally sorted through the photos. Attached are my favourites — the tram one came out great.\n\nHannah',
      attachments: [
        { name: 'tram-28.png', type: 'image/png', data: PNG_PHOTO },
        { name: 'alfama-sunset.png', type: 'image/png', data: PNG_PHOTO },
      ],
    },
    {
      from: 'Alice Martin <alice@example.org>',
      to: 'Hannah Schmidt <hannah@studio-nord.example>',
      subject: 'Re: Photos from the Lisbon trip',
      date: t(8, 9, 12),
      id: 'lisbon-2@example.org',
      inReplyTo: 'lisbon-1@studio-nord.example',
      text: 'These are lovely! Can I use the sunset one for the calendar?\n\n> Finally sorted through the photos. Attached are my favourites.',
    },
    {
      from: 'Hannah Schmidt <hannah@studio-nord.example>',
      subject: 'Re: Photos from the Lisbon trip',
      date: t(0, 8, 41),
      id: 'lisbon-3@studio-nord.example',
      inReplyTo: 'lisbon-2@example.org',
      text: 'Of course — I can send you the full-resolution file tonight.\n\nHannah\n\n> These are lovely! Can I use the sunset one for the calendar?',
    },
    {
      from: 'The Weekly Loaf <news@weeklyloaf.example>',
      subject: 'Five breads to bake this autumn',
      date: t(0, 7, 2),
      id: 'loaf-42@weeklyloaf.example',
      text: 'Five breads to bake this autumn. Read online: https://weeklyloaf.example/42',
      html: `<!doctype html><html><head><style>
        .wrap{max-width:560px;margin:0 auto;font-family:Georgia,serif;color:#2b2118}
        h1{font-size:26px;margin:12px 0} .card{border:1px solid #eadfce;border-radius:8px;padding:14px;margin:12px 0;background:#fffaf2}
        a.btn{display:inline-block;background:#b5562a;color:#fff;padding:8px 14px;border-radius:6px;text-decoration:none}
        </style></head><body><div class="wrap">
        <p><img src="cid:logo@weeklyloaf" width="24" height="24" alt="The Weekly Loaf"> <strong>The Weekly Loaf</strong> · Issue 42</p>
        <img src="https://tracker.weeklyloaf.example/open.gif?u=alice" width="1" height="1" alt="">
        <h1>Five breads to bake this autumn</h1>
        <p>The evenings are drawing in, which means it is time to turn the oven on. Here are five loaves we keep coming back to.</p>
        <div class="card"><strong>1. Pumpkin and rye</strong><p>Earthy, sweet and keeps for days.</p></div>
        <div class="card"><strong>2. Apple and cider sourdough</strong><p>A gentle sourness with a hint of orchard.</p></div>
        <img src="https://images.weeklyloaf.example/loaves.jpg" width="520" height="200" alt="Five loaves on a board">
        <p><a class="btn" href="https://weeklyloaf.example/42">Read all five recipes</a></p>
        <p style="font-size:12px;color:#8a7a66">You are receiving this because you subscribed. <a href="https://weeklyloaf.example/unsubscribe">Unsubscribe</a></p>
        </div></body></html>`,
      inline: [{ cid: 'logo@weeklyloaf', data: PNG_LOGO, type: 'image/png', name: 'logo.png' }],
    },
    {
      from: 'Marco Rossi <marco.rossi@hostingco.example>',
      subject: 'Your invoice for October',
      date: t(1, 14, 30),
      id: 'inv-1031@hostingco.example',
      text: 'Dear customer,\n\nPlease find attached your invoice for October (hosting plan "Studio", 12 months).\n\nAmount due: €89.00, payable by 15 November.\n\nKind regards,\nMarco Rossi\nHostingCo billing',
      attachments: [{ name: 'invoice-2024-10.pdf', type: 'application/pdf', data: Buffer.from('%PDF-1.4\n% not really a PDF\n') }],
    },
    {
      from: 'Dr. Priya Natarajan <priya@clinic.example>',
      subject: 'Appointment reminder: Thursday 10:30',
      date: t(2, 11, 0),
      id: 'appt-77@clinic.example',
      text: 'Hello Alice,\n\nThis is a reminder of your appointment on Thursday at 10:30.\nIf you need to reschedule, reply to this message or call us.\n\nBest wishes,\nThe clinic team',
    },
    {
      from: 'GitHub <noreply@github.example>',
      subject: '[homing] Release 0.1.0 is out',
      date: t(3, 16, 45),
      id: 'release-010@github.example',
      text: 'Homing 0.1.0 has been released.\n\nHighlights:\n- Offline search\n- POP3 and IMAP\n\nhttps://github.example/homing/releases/0.1.0',
    },
    {
      from: 'Tomás Díaz <tomas@cooperativa.example>',
      subject: 'Garden allotment rota',
      date: t(4, 19, 20),
      id: 'rota-1@cooperativa.example',
      cc: 'Hannah Schmidt <hannah@studio-nord.example>',
      text: 'Hi all,\n\nHere is the watering rota for November. Shout if a week does not suit you.\n\nWeek 1 — Alice\nWeek 2 — Tomás\nWeek 3 — Hannah\nWeek 4 — Jun\n\nTomás',
    },
    {
      from: 'Jun Watanabe <jun@example.jp>',
      subject: 'Re: Garden allotment rota',
      date: t(4, 21, 3),
      id: 'rota-2@example.jp',
      inReplyTo: 'rota-1@cooperativa.example',
      text: 'Week 4 works for me. ありがとう!\n\n> Here is the watering rota for November.',
    },
    {
      from: 'Bank of Example <alerts@bank.example>',
      subject: 'Your statement is ready',
      date: t(6, 6, 15),
      id: 'stmt-10@bank.example',
      text: 'Your monthly statement is ready to view in online banking. We will never ask for your password by email.',
    },
    {
      from: 'Lena Fischer <lena@fischer-design.example>',
      subject: 'Logo drafts for the bakery',
      date: t(12, 10, 10),
      id: 'logo-1@fischer-design.example',
      text: 'Morning! Three directions attached. I lean towards the second — curious what you think.\n\nLena',
      attachments: [
        { name: 'bakery-logo-drafts.png', type: 'image/png', data: PNG_LOGO },
        { name: 'notes.txt', type: 'text/plain', data: Buffer.from('Fonts: Fraunces, Inter\nColours: #b5562a, #2b2118\n') },
      ],
    },
    {
      from: 'Oliver Bennett <oliver@bennett.example>',
      subject: 'Dinner on Saturday?',
      date: t(15, 12, 0),
      id: 'dinner-1@bennett.example',
      text: 'We are making paella on Saturday — would you like to come? Around seven.\n\nOliver',
    },
    {
      from: 'Train Tickets <tickets@rail.example>',
      subject: 'Your e-ticket: London → Edinburgh',
      date: t(20, 9, 30),
      id: 'ticket-5@rail.example',
      text: 'Booking reference: XK4-22P\nDeparture 08:00, coach C, seat 42.\n\nHave a good journey.',
    },
  ];
  return specs.map((spec, i) => ({ name: `${String(i).padStart(3, '0')}.eml`, raw: buildMessage(spec) }));
}

/**
 * The hostile message: scripts, event handlers, a javascript: link, a form, an iframe, a meta refresh, CSS
 * and image loads pointing at `canary` (a loopback HTTP server that counts requests). Everything marked
 * HOSTILE must do nothing at all.
 */
export function hostileMessage(canary: string, now = new Date()): Buffer {
  const html = `<!doctype html><html><head>
<meta http-equiv="refresh" content="0;url=${canary}/meta-refresh">
<link rel="stylesheet" href="${canary}/link.css">
<style>@import url("${canary}/import.css"); .bg { background: url('${canary}/style-bg.png'); } @font-face { font-family: x; src: url(${canary}/font.woff2); }</style>
<script>window.top.__homingCanary = 'script'; alert('script');</script>
<base href="${canary}/base/">
</head><body onload="window.top.__homingCanary='onload'">
<h1>Quarterly report</h1>
<p>Please review the figures below.</p>
<img src="${canary}/pixel.gif" width="1" height="1" alt="">
<img src="x" onerror="window.top.__homingCanary='onerror'; alert('onerror')" alt="broken">
<img srcset="${canary}/srcset.png 1x" alt="srcset">
<div class="bg" style="background-image:url(${canary}/inline-bg.png);width:10px;height:10px"></div>
<table background="${canary}/table-bg.png"><tr><td>cell</td></tr></table>
<p><a href="javascript:window.top.__homingCanary='javascript-link';alert('link')" id="js-link">Open the report</a></p>
<p><a href="https://example.com/report" id="safe-link">Safe link</a></p>
<svg><script>window.top.__homingCanary='svg'</script><image href="${canary}/svg-image.png"/></svg>
<iframe src="${canary}/iframe.html"></iframe>
<object data="${canary}/object.swf"></object>
<embed src="${canary}/embed.swf">
<video src="${canary}/video.mp4" autoplay></video>
<audio src="${canary}/audio.mp3" autoplay></audio>
<form action="${canary}/form" method="post"><input name="password" autofocus onfocus="window.top.__homingCanary='onfocus'"><button>Sign in</button></form>
<math><mtext><table><mglyph><style><img src=x onerror="window.top.__homingCanary='mxss'"></style></mglyph></table></mtext></math>
<p>Regards, the finance team</p>
</body></html>`;
  return buildMessage({
    from: 'Finance Team <finance@phish.example>',
    subject: 'Quarterly report (hostile test message)',
    date: new Date(now.getTime() - 3600_000),
    id: 'hostile-1@phish.example',
    text: 'Quarterly report. Open the HTML version.',
    html,
  });
}

/** A message for the 100,000-row folder: small, distinct, dated one minute apart. */
function bulkMessage(i: number, base: number): string {
  const date = new Date(base - i * 60_000);
  return [
    `From: Sender ${i % 97} <sender${i % 97}@bulk.example>`,
    'To: alice@example.org',
    `Subject: Bulk message ${i} about ${['invoices', 'travel', 'the garden', 'releases', 'dinner'][i % 5]}`,
    `Date: ${rfc2822(date)}`,
    `Message-ID: <bulk-${i}@bulk.example>`,
    '',
    `This is bulk message number ${i}. token${i}`,
    '',
  ].join('\n');
}

/** Writes an mbox of `count` messages to `path`, streamed (100,000 messages are about 30 MB). */
export async function writeBulkMbox(path: string, count: number, base = Date.UTC(2024, 5, 1)): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < count; i++) {
    const chunk = `From sender${i % 97}@bulk.example Sat Jun  1 00:00:00 2024\n${bulkMessage(i, base)}\n`;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
