import { createServer as createTcpServer, type Server } from 'node:net';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HomingError } from '../../../../shared/errors';
import { mapNetworkError } from '../../../../electron/net/network-errors';
import { tlsOptions } from '../../../../electron/net/tls-trust';
import { freePort } from '../../../servers/free-port';

const where = { host: 'mail.example.test', port: 993 };
const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('mapNetworkError', () => {
  let plain: Server;
  let plainPort: number;
  beforeAll(async () => {
    // A plain-text server that greets at once, as IMAP on port 143 does.
    plain = createTcpServer((socket) => {
      socket.on('error', () => undefined);
      socket.write('* OK IMAP ready\r\n');
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const address = plain.address();
    plainPort = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(() => plain.close());

  it.each([
    ['ENOTFOUND', 'DNS_NOT_FOUND', 'check-hostname'],
    ['EAI_AGAIN', 'DNS_UNAVAILABLE', 'check-network'],
    ['ECONNREFUSED', 'CONNECTION_REFUSED', 'check-port'],
    ['ETIMEDOUT', 'TIMEOUT', 'check-network'],
    ['ECONNRESET', 'CONNECTION_LOST', 'check-network'],
    ['EHOSTUNREACH', 'CONNECTION_LOST', 'check-network'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'TLS_WRONG_PORT', 'switch-security'],
    ['ERR_SSL_NO_CIPHERS_AVAILABLE', 'TLS_FAILED', 'check-settings'],
  ])('maps %s to %s with the fix %s', (errno, code, fix) => {
    const error = mapNetworkError(coded(errno), where);
    expect(error).toBeInstanceOf(HomingError);
    expect(error.code).toBe(code);
    expect(error.detail).toMatchObject({ fix, host: where.host });
    expect(error.message.length).toBeGreaterThan(20);
  });

  it('names the host a name service says does not exist, and says where to fix it', () => {
    const error = mapNetworkError(coded('ENOTFOUND'), { host: 'mail.nonexistent.invalid', port: 993 });
    expect(error.message).toBe("The server name mail.nonexistent.invalid could not be found. Check the server name in the account’s settings.");
  });

  it('keeps a coded error as it is', () => {
    const original = new HomingError('AUTH_FAILED', 'no');
    expect(mapNetworkError(original, where)).toBe(original);
  });

  it('names a refused port in words, from a real closed port', async () => {
    const port = await freePort();
    const error = await new Promise<unknown>((resolve) => connect({ host: '127.0.0.1', port, ...tlsOptions({ host: '127.0.0.1', trustedFingerprint: null }) }).once('error', resolve));
    const mapped = mapNetworkError(error, { host: '127.0.0.1', port });
    expect(mapped.code).toBe('CONNECTION_REFUSED');
    expect(mapped.message).toContain(`127.0.0.1:${port}`);
  });

  it('recognises TLS spoken to a plain-text port and suggests STARTTLS for it', async () => {
    const error = await new Promise<unknown>((resolve) =>
      connect({ host: '127.0.0.1', port: plainPort, ...tlsOptions({ host: '127.0.0.1', trustedFingerprint: null }) }).once('error', resolve),
    );
    const mapped = mapNetworkError(error, { host: '127.0.0.1', port: plainPort }, { security: 'tls' });
    expect(mapped.code).toBe('TLS_WRONG_PORT');
    expect(mapped.detail).toMatchObject({ fix: 'switch-security', suggested: { port: plainPort, security: 'starttls' } });
  });

  it('names the usual ports of the protocol the caller spoke (SMTP: 465 and 587), IMAP’s and POP3’s when it did not say', () => {
    const wrong = coded('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number');
    expect(mapNetworkError(wrong, where, { security: 'tls', protocol: 'smtp' }).message).toContain('Use SSL/TLS on port 465 and STARTTLS on 587.');
    expect(mapNetworkError(wrong, where, { security: 'tls' }).message).toContain('Use SSL/TLS on ports 993/995 and STARTTLS on 143/110.');
    expect(mapNetworkError(coded('ECONNREFUSED', 'refused'), where, { protocol: 'smtp' }).detail).toMatchObject({ hint: 'Sending (SMTP) uses 465 (SSL/TLS) or 587 (STARTTLS).' });
  });

  it('reads OpenSSL text only for the generic EPROTO of older Node versions', () => {
    expect(mapNetworkError(coded('EPROTO', 'routines:ssl3_get_record:wrong version number'), where, { security: 'starttls' }).detail).toMatchObject({
      suggested: { port: 993, security: 'tls' },
    });
    expect(mapNetworkError(new Error('wrong version number'), where).code).toBe('CONNECTION_LOST');
  });
});
