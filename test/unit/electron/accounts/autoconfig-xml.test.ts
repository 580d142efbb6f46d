import { describe, expect, it } from 'vitest';
import { parseAutoconfigXml } from '../../../../electron/accounts/autoconfig/autoconfig-xml';
import { baseDomain, parseMailAddress } from '../../../../electron/accounts/autoconfig/mail-address';
import { autoconfigXml } from '../../../servers/autoconfig-http';

const alice = parseMailAddress('Alice.Smith@Example.ORG');

describe('reading Thunderbird autoconfig files', () => {
  it('reads IMAP and POP3 servers in the file’s order, fills in the placeholders, and the outgoing SMTP server', () => {
    const xml = autoconfigXml('example.org', [
      { type: 'imap', hostname: 'imap.%EMAILDOMAIN%', port: 993, socketType: 'SSL' },
      { type: 'imap', hostname: 'imap.example.org', port: 143, socketType: 'STARTTLS', username: '%EMAILLOCALPART%' },
      { type: 'pop3', hostname: 'POP.example.org', port: 110, socketType: 'plain', username: 'fixed-name' },
      { type: 'smtp', hostname: 'smtp.example.org', port: 465, socketType: 'SSL' },
    ]);
    expect(parseAutoconfigXml(xml, alice)).toEqual([
      { protocol: 'imap', host: 'imap.example.org', port: 993, security: 'tls', username: 'Alice.Smith@example.org', usernameForm: '%EMAILADDRESS%' },
      { protocol: 'imap', host: 'imap.example.org', port: 143, security: 'starttls', username: 'Alice.Smith', usernameForm: '%EMAILLOCALPART%' },
      { protocol: 'pop3', host: 'pop.example.org', port: 110, security: 'none', username: 'fixed-name', usernameForm: 'other' },
      { protocol: 'smtp', host: 'smtp.example.org', port: 465, security: 'tls', username: 'Alice.Smith@example.org', usernameForm: '%EMAILADDRESS%' },
    ]);
  });

  it('does not take an SMTP server as incoming, nor an IMAP one as outgoing', () => {
    const xml = autoconfigXml('example.org', [{ type: 'smtp', hostname: 'smtp.example.org', port: 587, socketType: 'STARTTLS' }]).replace(
      '<outgoingServer type="smtp">',
      '<incomingServer type="smtp">',
    ).replace('</outgoingServer>', '</incomingServer>');
    expect(parseAutoconfigXml(xml, alice)).toEqual([]);
  });

  it('leaves out servers that take no password (OAuth2 only) and servers with nonsense in them', () => {
    const xml = autoconfigXml('example.org', [
      { type: 'imap', hostname: 'oauth.example.org', port: 993, socketType: 'SSL', authentication: ['OAuth2'] },
      { type: 'imap', hostname: 'both.example.org', port: 993, socketType: 'SSL', authentication: ['OAuth2', 'password-cleartext'] },
      { type: 'imap', hostname: 'bad host!', port: 993, socketType: 'SSL' },
      { type: 'pop3', hostname: 'pop.example.org', port: 99999, socketType: 'SSL' },
    ]);
    expect(parseAutoconfigXml(xml, alice).map((s) => s.host)).toEqual(['both.example.org']);
  });

  it.each([
    ['truncated XML', '<clientConfig><emailProvider><incomingServer type="imap"><hostname>x'],
    ['an HTML error page served as 200', '<html><body><h1>Welcome to nginx</h1></body></html>'],
    ['plain text', 'not xml at all'],
    ['entity expansion', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaa">]><clientConfig>&a;</clientConfig>'],
  ])('refuses %s with PROTOCOL_ERROR', (_name, xml) => {
    expect(() => parseAutoconfigXml(xml, alice)).toThrow(expect.objectContaining({ code: 'PROTOCOL_ERROR' }));
  });

  it('reads an empty provider as no servers', () => {
    expect(parseAutoconfigXml('<clientConfig version="1.1"><emailProvider id="x"/></clientConfig>', alice)).toEqual([]);
  });
});

describe('addresses and domains', () => {
  it('splits an address and puts an internationalised domain in ASCII', () => {
    expect(parseMailAddress(' Alice@Example.ORG ')).toEqual({ email: 'Alice@example.org', local: 'Alice', domain: 'example.org' });
    expect(parseMailAddress('jörg@müller.de').domain).toBe('xn--mller-kva.de');
    for (const bad of ['no-at-sign', '@example.org', 'alice@', 'a b@example.org', 'alice@exa mple.org', 'alice@example..org']) {
      expect(() => parseMailAddress(bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });

  it('takes a single-label domain (alice@localhost, an intranet host)', () => {
    expect(parseMailAddress('alice@localhost')).toEqual({ email: 'alice@localhost', local: 'alice', domain: 'localhost' });
    expect(parseMailAddress('bob@MailHost.').domain).toBe('mailhost');
  });

  it('finds the base domain of an MX host', () => {
    expect(baseDomain('mx1.mail.hostingco.net')).toBe('hostingco.net');
    expect(baseDomain('mx.hostingco.co.uk.')).toBe('hostingco.co.uk');
    expect(baseDomain('example.org')).toBe('example.org');
  });
});
