import type { Pop3Command } from '../command';

/**
 * UTF8 (RFC 6856 §2): asks for messages exactly as stored, UTF-8 headers included. Sent before login to a
 * server whose CAPA lists UTF8. Without it Courier's pop3d hands out a message with 8-bit header bytes
 * wrapped in one of its own ("Cannot display Unicode content", the original as a message/global part),
 * so the stored bytes would not be the server's, and a delete after download would remove the original.
 * A server that refuses it (-ERR) is left as it is: the message is then whatever it sends.
 */
export const utf8: Pop3Command<void, boolean> = {
  name: 'UTF8',
  states: ['AUTHORIZATION'],
  async run(io) {
    if (!io.capabilities.has('UTF8')) return false;
    const status = await io.send('UTF8');
    return status.kind === 'ok';
  },
};
