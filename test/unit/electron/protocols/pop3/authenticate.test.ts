import { describe, expect, it } from 'vitest';
import { chooseMechanism } from '../../../../../electron/protocols/pop3/authenticate';
import { Capabilities } from '../../../../../electron/protocols/pop3/capabilities';
import { apopDigest } from '../../../../../electron/protocols/pop3/commands/apop';

const caps = (...lines: string[]) => new Capabilities(lines, true);

describe('chooseMechanism', () => {
  it('prefers SASL PLAIN, then LOGIN, then USER/PASS on an encrypted connection', () => {
    expect(chooseMechanism(caps('SASL PLAIN LOGIN', 'USER'), null, true)).toBe('plain');
    expect(chooseMechanism(caps('SASL LOGIN CRAM-MD5', 'USER'), null, true)).toBe('login');
    expect(chooseMechanism(caps('USER'), '<1.2@x>', true)).toBe('user');
    expect(chooseMechanism(caps('TOP'), '<1.2@x>', true)).toBe('apop');
  });

  it('prefers APOP on a plain connection (security none), so the password stays off the wire', () => {
    expect(chooseMechanism(caps('SASL PLAIN', 'USER'), '<1.2@x>', false)).toBe('apop');
    expect(chooseMechanism(caps('SASL PLAIN', 'USER'), null, false)).toBe('plain');
  });

  it('leaves APOP out once it was refused for the user, and has nothing left where APOP was all there was', () => {
    expect(chooseMechanism(caps('SASL PLAIN', 'USER'), '<1.2@x>', false, true)).toBe('plain');
    expect(chooseMechanism(Capabilities.none(), '<1.2@x>', false, true)).toBe('user');
    expect(() => chooseMechanism(caps('TOP'), '<1.2@x>', false, true)).toThrow(/no way to log in/);
  });

  it('assumes USER/PASS on a server without CAPA', () => {
    expect(chooseMechanism(Capabilities.none(), null, true)).toBe('user');
  });

  it('says so when nothing it offers is supported', () => {
    expect(() => chooseMechanism(caps('SASL GSSAPI'), null, true)).toThrow(/no way to log in/);
  });
});

describe('APOP', () => {
  it('computes the RFC 1939 example digest', () => {
    // RFC 1939 section 7: timestamp <1896.697170952@dbc.mtview.ca.us>, secret "tanstaaf".
    expect(apopDigest('<1896.697170952@dbc.mtview.ca.us>', 'tanstaaf')).toBe('c4c9334bac560ecc979e58001b3e22fb');
  });
});
