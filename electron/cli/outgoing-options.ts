import type { OutgoingServerInput, OutgoingServerPatch, Security } from '../../shared/contract/accounts';
import type { MailClient } from '../../shared/client';
import { HomingError } from '../../shared/errors';
import type { CliContext } from './cli-context';
import { parseChoice, parsePort } from './parse';

export const OUTGOING_USAGE =
  '[--smtp-host H --smtp-port N --smtp-security tls|starttls|none] [--smtp-username U|none] [--smtp-password-env VAR] [--smtp-trust-fingerprint SHA256HEX]';

export const outgoingOptions = {
  'smtp-host': { type: 'string' },
  'smtp-port': { type: 'string' },
  'smtp-security': { type: 'string' },
  'smtp-username': { type: 'string' },
  'smtp-password-env': { type: 'string' },
  'smtp-trust-fingerprint': { type: 'string' },
} as const;

type OutgoingValues = Partial<Record<keyof typeof outgoingOptions, string>>;

const SECURITIES: readonly Security[] = ['tls', 'starttls', 'none'];

/**
 * Names reserved for examples and tests (RFC 2606, RFC 6761): no provider publishes settings for them, and
 * looking them up would only send queries out of a test machine.
 */
function reservedDomain(email: string): boolean {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase().replace(/\.$/, '');
  return /(^|\.)(example\.(com|net|org)|test|example|invalid|localhost)$/.test(domain);
}

function passwordFromEnv(ctx: CliContext, variable: string): string {
  const password = ctx.env[variable];
  if (!password) throw new HomingError('INVALID_ARGUMENT', `the environment variable ${variable} is empty or not set`);
  return password;
}

function security(value: string, usage: string): Security {
  return parseChoice(value, 'smtp-security', SECURITIES, usage);
}

/**
 * The outgoing server of `account add`: from the --smtp-* options, or, when --smtp-host is left out, from
 * autoconfig (the best outgoing server found for the address; the incoming user name and password unless
 * given). Null, with a note on stderr, when nothing is found: the account then receives but cannot send
 * until `account edit --smtp-host …`.
 */
export async function outgoingForAdd(
  ctx: CliContext,
  service: MailClient,
  values: OutgoingValues,
  email: string,
  usage: string,
): Promise<OutgoingServerInput | null> {
  const given = fromOptions(ctx, values, usage);
  if (values['smtp-host']) {
    if (!values['smtp-port'] || !values['smtp-security']) throw new HomingError('INVALID_ARGUMENT', `--smtp-host needs --smtp-port and --smtp-security\nusage: homing ${usage}`);
    return given as OutgoingServerInput;
  }
  const found = await findOutgoing(ctx, service, email);
  if (!found) return null;
  return { ...found, ...given } as OutgoingServerInput;
}

/** The outgoing part of `account edit`: the --smtp-* options given, autoconfig for host/port/security when the account has none. */
export async function outgoingPatch(
  ctx: CliContext,
  service: MailClient,
  values: OutgoingValues,
  account: { email: string; smtp: unknown },
  usage: string,
): Promise<OutgoingServerPatch | null | undefined> {
  if (values['smtp-host'] === 'none') return null;
  const given = fromOptions(ctx, values, usage);
  if (Object.keys(given).length === 0) return undefined;
  if (account.smtp === null && !given.host) {
    const found = await findOutgoing(ctx, service, account.email);
    if (!found) throw new HomingError('AUTOCONFIG_NOT_FOUND', `no outgoing server was found for ${account.email}; give --smtp-host, --smtp-port and --smtp-security`);
    return { ...found, ...given };
  }
  return given;
}

function fromOptions(ctx: CliContext, values: OutgoingValues, usage: string): OutgoingServerPatch {
  const patch: OutgoingServerPatch = {};
  if (values['smtp-host']) patch.host = values['smtp-host'];
  if (values['smtp-port']) patch.port = parsePort(values['smtp-port'], usage);
  if (values['smtp-security']) patch.security = security(values['smtp-security'], usage);
  if (values['smtp-username']) patch.username = values['smtp-username'] === 'none' ? null : values['smtp-username'];
  if (values['smtp-password-env']) patch.password = passwordFromEnv(ctx, values['smtp-password-env']);
  if (values['smtp-trust-fingerprint']) patch.trustedFingerprint = values['smtp-trust-fingerprint'] === 'none' ? null : values['smtp-trust-fingerprint'];
  return patch;
}

async function findOutgoing(ctx: CliContext, service: MailClient, email: string): Promise<{ host: string; port: number; security: Security } | null> {
  // Silent: such an address is a test's or an example's, and its output is compared exactly.
  if (reservedDomain(email) && !ctx.env.HOMING_DNS_SERVERS) return null;
  try {
    const result = await service.autoconfigAccount({ email });
    const best = result.smtp[0];
    if (best) {
      if (ctx.stderr.isTTY) ctx.stderr.write(`outgoing server: ${best.host}:${best.port} ${best.security} (found by ${best.source})\n`);
      return { host: best.host, port: best.port, security: best.security };
    }
  } catch (error) {
    if (!(error instanceof HomingError) || error.code !== 'AUTOCONFIG_NOT_FOUND') throw error;
  }
  // On a terminal only: a script sees `smtp: null` in `account list --json`, and cron mail stays quiet.
  if (ctx.stderr.isTTY) {
    ctx.stderr.write(`note: no outgoing server was found for ${email}; the account can receive, and sends once one is added with account edit --smtp-host.\n`);
  }
  return null;
}
