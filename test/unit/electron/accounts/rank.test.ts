import { describe, expect, it } from 'vitest';
import type { ServerCandidate } from '../../../../shared/contract/accounts';
import { rankCandidates } from '../../../../electron/accounts/autoconfig/rank';
import { orderSrv } from '../../../../electron/accounts/autoconfig/srv';

const c = (source: ServerCandidate['source'], host: string, port: number, security: ServerCandidate['security'], extra: Partial<ServerCandidate> = {}): ServerCandidate => ({
  protocol: port === 995 || port === 110 ? 'pop3' : 'imap',
  host,
  port,
  security,
  username: 'a@example.org',
  source,
  probed: false,
  ...extra,
});

describe('ranking autoconfig candidates', () => {
  it('orders by source as Thunderbird does, keeping each source’s own order', () => {
    const ranked = rankCandidates([
      c('guess', 'imap.example.org', 993, 'tls', { probed: true }),
      c('srv', 'srv.example.org', 993, 'tls'),
      c('autoconfig', 'b.example.org', 143, 'starttls'),
      c('autoconfig', 'a.example.org', 993, 'tls'),
      c('ispdb', 'ispdb.example.org', 993, 'tls'),
      c('mx', 'mx.hostingco.net', 993, 'tls'),
      c('well-known', 'wk.example.org', 993, 'tls'),
    ]);
    expect(ranked.imap.map((x) => `${x.source}:${x.host}`)).toEqual([
      'autoconfig:b.example.org',
      'autoconfig:a.example.org',
      'well-known:wk.example.org',
      'ispdb:ispdb.example.org',
      'mx:mx.hostingco.net',
      'srv:srv.example.org',
      'guess:imap.example.org',
    ]);
    expect(ranked.pop3).toEqual([]);
  });

  it('puts every unencrypted setting after the encrypted ones, whatever its source', () => {
    const ranked = rankCandidates([c('autoconfig', 'pop.example.org', 110, 'none'), c('guess', 'pop.example.org', 995, 'tls', { probed: true })]);
    expect(ranked.pop3.map((x) => `${x.port}/${x.security}`)).toEqual(['995/tls', '110/none']);
  });

  it('lists a server found twice once, at its best rank, marked probed when a guess confirmed it', () => {
    const ranked = rankCandidates([
      c('autoconfig', 'imap.example.org', 993, 'tls'),
      c('guess', 'IMAP.example.org', 993, 'tls', { probed: true }),
      c('guess', 'imap.example.org', 143, 'starttls', { probed: true }),
    ]);
    expect(ranked.imap).toEqual([
      expect.objectContaining({ source: 'autoconfig', host: 'imap.example.org', port: 993, probed: true }),
      expect.objectContaining({ source: 'guess', port: 143 }),
    ]);
  });

  it('lists outgoing servers apart, implicit TLS before STARTTLS whatever the source (RFC 8314), without a protocol field', () => {
    const smtp = (source: ServerCandidate['source'], host: string, port: number, security: ServerCandidate['security']) =>
      ({ protocol: 'smtp', host, port, security, username: 'a@example.org', source, probed: false }) as const;
    const ranked = rankCandidates([
      c('autoconfig', 'imap.example.org', 993, 'tls'),
      smtp('autoconfig', 'smtp.example.org', 587, 'starttls'),
      smtp('guess', 'mail.example.org', 465, 'tls'),
      smtp('srv', 'submit.example.org', 465, 'tls'),
      smtp('autoconfig', 'smtp.example.org', 25, 'none'),
    ]);
    expect(ranked.imap).toHaveLength(1);
    expect(ranked.smtp.map((x) => `${x.source}:${x.host}:${x.port}`)).toEqual([
      'srv:submit.example.org:465',
      'guess:mail.example.org:465',
      'autoconfig:smtp.example.org:587',
      'autoconfig:smtp.example.org:25',
    ]);
    expect(ranked.smtp[0]).not.toHaveProperty('protocol');
  });

  it('orders SRV records by priority, then weight (RFC 2782)', () => {
    const records = [
      { name: 'c', port: 1, priority: 10, weight: 5 },
      { name: 'a', port: 1, priority: 0, weight: 1 },
      { name: 'b', port: 1, priority: 0, weight: 9 },
    ];
    expect(orderSrv(records).map((r) => r.name)).toEqual(['b', 'a', 'c']);
  });
});
