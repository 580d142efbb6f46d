import type { AutoconfigResult, Protocol, Security, ServerCandidate, ServerSettings } from '../../shared/contract/accounts';

/** The server part of the account form, as strings while the user edits it. */
export interface ServerForm {
  protocol: Protocol;
  host: string;
  port: string;
  security: Security;
  username: string;
}

/** IANA ports: 993 IMAPS, 143 IMAP (+STARTTLS), 995 POP3S, 110 POP3 (+STLS). */
export function defaultPort(protocol: Protocol, security: Security): number {
  if (protocol === 'imap') return security === 'tls' ? 993 : 143;
  return security === 'tls' ? 995 : 110;
}

const standardPorts = new Set([993, 143, 995, 110]);

/** Switching protocol or security moves a standard port along with it; a custom port stays. */
export function withChange(form: ServerForm, change: Partial<ServerForm>): ServerForm {
  const next = { ...form, ...change };
  const port = Number(form.port);
  if ((change.protocol || change.security) && change.port === undefined && (form.port === '' || standardPorts.has(port))) {
    next.port = String(defaultPort(next.protocol, next.security));
  }
  return next;
}

export function fromCandidate(candidate: ServerCandidate): ServerForm {
  return { protocol: candidate.protocol, host: candidate.host, port: String(candidate.port), security: candidate.security, username: candidate.username };
}

/** When autoconfig found nothing: the usual guess for a hosting provider (mail.<domain>, IMAP over TLS). */
export function guessForm(email: string): ServerForm {
  const domain = email.split('@')[1]?.trim() ?? '';
  return { protocol: 'imap', host: domain ? `mail.${domain}` : '', port: '993', security: 'tls', username: email.trim() };
}

/** The first (best) candidate of a protocol, as autoconfig ranks them. */
export function bestCandidate(result: AutoconfigResult, protocol: Protocol): ServerCandidate | null {
  return (protocol === 'imap' ? result.imap : result.pop3)[0] ?? null;
}

/**
 * Whether the text is a whole address: something, @, a domain. A single-label domain counts
 * (`alice@localhost`, an intranet's `bob@mailhost`): plenty of test and company servers use one.
 */
export function looksLikeAddress(text: string): boolean {
  return /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)*\.?$/.test(text.trim());
}

/** The form as validated settings, or the first thing wrong with it in words. */
export function toServerSettings(form: ServerForm): { ok: true; server: ServerSettings } | { ok: false; problem: string } {
  const host = form.host.trim();
  if (!host) return { ok: false, problem: 'Enter the server’s name, for example mail.example.org.' };
  if (/\s|\/|:\/\//.test(host)) return { ok: false, problem: 'The server name is just a name like mail.example.org, without spaces or “://”.' };
  const port = Number(form.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { ok: false, problem: 'The port is a number between 1 and 65535.' };
  if (!form.username.trim()) return { ok: false, problem: 'Enter the user name (usually your whole email address).' };
  return { ok: true, server: { protocol: form.protocol, host, port, security: form.security, username: form.username.trim() } };
}

/** `ab12…` → `AB:12:…`, the way certificate viewers print a SHA-256 fingerprint. */
export function formatFingerprint(hex: string): string {
  const clean = hex.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return clean.match(/.{1,2}/g)?.join(':') ?? '';
}

export const securityLabels: Record<Security, string> = {
  tls: 'SSL/TLS',
  starttls: 'STARTTLS',
  none: 'None (unencrypted)',
};

export const sourceLabels: Record<string, string> = {
  autoconfig: 'your provider’s configuration file',
  'well-known': 'your provider’s configuration file',
  ispdb: 'the Thunderbird provider database',
  mx: 'your domain’s mail server records',
  srv: 'your domain’s service records',
  guess: 'trying the usual server names',
};
