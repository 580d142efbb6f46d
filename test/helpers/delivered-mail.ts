import { adminClient } from '../servers/mail-server';
import type { DovecotServer } from '../servers/dovecot';

export interface ServerMessage {
  uid: number;
  flags: string[];
  source: Buffer;
}

/** Every message of a folder as the server gives it over IMAP (CRLF line ends, exact bytes), in UID order. */
export async function serverMessages(server: DovecotServer, user: string, folder = 'INBOX'): Promise<ServerMessage[]> {
  const client = await adminClient({ ports: server.ports, certificate: server.certificate, users: server.users }, user);
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      const found: ServerMessage[] = [];
      if ((client.mailbox && client.mailbox.exists) === 0) return found;
      for await (const message of client.fetch('1:*', { uid: true, flags: true, source: true })) {
        found.push({ uid: message.uid, flags: [...(message.flags ?? [])], source: message.source ?? Buffer.alloc(0) });
      }
      return found.sort((a, b) => a.uid - b.uid);
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => undefined);
  }
}

/** The messages of a folder whose header carries this Message-ID (without angle brackets). */
export async function withMessageId(server: DovecotServer, user: string, folder: string, messageId: string): Promise<ServerMessage[]> {
  const header = `Message-ID: <${messageId}>`.toLowerCase();
  return (await serverMessages(server, user, folder)).filter((m) => headerBlock(m.source).toLowerCase().includes(header));
}

/**
 * A delivered message without the header lines the delivery path put on top of it (Postfix's and
 * Dovecot LMTP's Received:, LMTP's Return-Path: and Delivered-To:): what the client submitted.
 */
export function belowTrace(raw: Buffer): Buffer {
  let offset = 0;
  for (;;) {
    const end = raw.indexOf('\n', offset);
    if (end < 0) return raw.subarray(offset);
    const line = raw.subarray(offset, end + 1).toString('latin1');
    if (!/^(Return-Path|Delivered-To|Received):/i.test(line)) return raw.subarray(offset);
    offset = end + 1;
    // Folded continuation lines belong to the header.
    while (raw[offset] === 0x20 || raw[offset] === 0x09) offset = raw.indexOf('\n', offset) + 1;
  }
}

function headerBlock(raw: Buffer): string {
  const end = raw.indexOf('\r\n\r\n');
  return raw.subarray(0, end < 0 ? raw.length : end).toString('utf8').replace(/\r\n[ \t]+/g, ' ');
}
