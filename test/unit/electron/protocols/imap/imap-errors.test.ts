import { describe, expect, it } from 'vitest';
import { HomingError } from '../../../../../shared/errors';
import { mapImapError, serverText } from '../../../../../electron/protocols/imap/imap-errors';

const where = { host: 'mail.example.org', port: 993 };
const imapError = (props: Record<string, unknown>, message = 'Command failed') => Object.assign(new Error(message), props);

describe('mapImapError', () => {
  it('turns a refused login into AUTH_FAILED with the server text', () => {
    const error = mapImapError(
      imapError({ authenticationFailed: true, responseStatus: 'NO', responseText: '[AUTHENTICATIONFAILED] Authentication failed.', serverResponseCode: 'AUTHENTICATIONFAILED' }),
      where,
    );
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).toContain('[AUTHENTICATIONFAILED] Authentication failed.');
    expect(error.detail).toMatchObject({ serverResponseCode: 'AUTHENTICATIONFAILED' });
  });

  it('keeps our own coded errors (the TLS transport throws them) as they are', () => {
    const tls = new HomingError('TLS_CERT_CHANGED', 'changed', { certificate: {} });
    expect(mapImapError(tls, where)).toBe(tls);
  });

  it.each([
    ['CONNECT_TIMEOUT', 'TIMEOUT'],
    ['GREETING_TIMEOUT', 'TIMEOUT'],
    ['ETIMEOUT', 'TIMEOUT'],
    ['NoConnection', 'CONNECTION_LOST'],
    ['EConnectionClosed', 'CONNECTION_LOST'],
    ['LiteralTooLarge', 'RESPONSE_TOO_LARGE'],
    ['ParserError11', 'PROTOCOL_ERROR'],
    ['ECONNREFUSED', 'CONNECTION_REFUSED'],
    ['ENOTFOUND', 'DNS_NOT_FOUND'],
    ['ECONNRESET', 'CONNECTION_LOST'],
  ])('maps imapflow/Node code %s to %s', (code, expected) => {
    expect(mapImapError(imapError({ code }), where).code).toBe(expected);
  });

  it('leaves out the timing Dovecot adds to every tagged reply', () => {
    const quota = mapImapError(
      imapError({ responseStatus: 'NO', responseText: '[OVERQUOTA] Quota exceeded (mailbox for user is full) (0.001 + 0.000 secs).', executedCommand: 'A9 APPEND INBOX' }),
      where,
    );
    expect(quota.message).toBe('The server refused APPEND: [OVERQUOTA] Quota exceeded (mailbox for user is full)');
    expect(quota.detail).toMatchObject({ serverResponse: '[OVERQUOTA] Quota exceeded (mailbox for user is full)' });
    expect(serverText(imapError({ responseText: 'Mailbox is full (0.003 + 0.000 + 0.002 secs).' }))).toBe('Mailbox is full');
    // Words that merely end in parentheses stay.
    expect(serverText(imapError({ responseText: 'Quota exceeded (mailbox for user is full)' }))).toBe('Quota exceeded (mailbox for user is full)');
  });

  it('reports a tagged NO as SERVER_ERROR with the command and the server words, [INUSE] as MAILBOX_LOCKED', () => {
    const refused = mapImapError(imapError({ responseStatus: 'NO', responseText: '[TRYCREATE] Mailbox does not exist', executedCommand: 'A7 UID MOVE 1 Foo' }), where);
    expect(refused.code).toBe('SERVER_ERROR');
    expect(refused.message).toContain('Mailbox does not exist');
    expect(refused.detail).toMatchObject({ command: 'UID MOVE' });
    expect(refused.message).toContain('UID MOVE');
    expect(mapImapError(imapError({ responseStatus: 'NO', responseText: '[INUSE] Mailbox is locked' }), where).code).toBe('MAILBOX_LOCKED');
  });

  it('says the password was not sent when STARTTLS is required and missing', () => {
    const error = mapImapError(imapError({ tlsFailed: true }, 'Server does not support STARTTLS'), where);
    expect(error.code).toBe('AUTH_PLAINTEXT_REFUSED');
  });

  it('does not call a programming error a network failure', () => {
    expect(mapImapError(new TypeError('x is not a function'), where).code).toBe('INTERNAL');
  });

  it('reads the server text from either field imapflow uses', () => {
    expect(serverText({ responseText: 'Nope' })).toBe('Nope');
    expect(serverText({ response: 'A1 NO [ALERT] Over quota' })).toBe('[ALERT] Over quota');
    expect(serverText({})).toBeNull();
  });
});
