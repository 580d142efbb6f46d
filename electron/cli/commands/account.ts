import type { MailClient } from '../../../shared/client';
import type {
  AccountPatch,
  AccountSettings,
  CertificateInfo,
  ConnectionTestResult,
  PasswordSource,
  Pop3DeletePolicy,
  Protocol,
  Security,
  ServerSettings,
} from '../../../shared/contract/accounts';
import { type ErrorData, HomingError } from '../../../shared/errors';
import { runPasswordCommand } from '../../accounts/password-command';
import type { CliContext } from '../cli-context';
import type { CliCommand } from '../command';
import { parse, parseChoice, parsePort, requireOption } from '../parse';
import { blockText, inlineText, printJson } from '../terminal-text';
import { PASSWORD_USAGE, passwordChoice, passwordOptions } from '../password-options';
import { OUTGOING_USAGE, outgoingForAdd, outgoingOptions, outgoingPatch } from '../outgoing-options';

const ADD_USAGE =
  `account add --email E --protocol imap|pop3 --host H --port N --security tls|starttls|none --username U ${PASSWORD_USAGE} ` +
  `[--name NAME] [--trust-fingerprint SHA256HEX] [--pop3-delete never|after-download|after-days:N|when-deleted-locally] [--no-test] ${OUTGOING_USAGE}`;

const PROTOCOLS: readonly Protocol[] = ['imap', 'pop3'];
const SECURITIES: readonly Security[] = ['tls', 'starttls', 'none'];

export const accountAdd: CliCommand = {
  name: 'account add',
  usage: ADD_USAGE,
  summary: 'add a mail account after testing the connection (--no-test: store without); prints its id (the outgoing server from autoconfig when --smtp-host is left out)',
  async run(ctx, argv) {
    const { values } = parse(
      argv,
      {
        email: { type: 'string' },
        protocol: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        security: { type: 'string' },
        username: { type: 'string' },
        ...passwordOptions,
        name: { type: 'string' },
        'trust-fingerprint': { type: 'string' },
        'pop3-delete': { type: 'string' },
        'no-test': { type: 'boolean' },
        ...outgoingOptions,
      },
      ADD_USAGE,
    );
    const { password, source } = passwordChoice(ctx, values);
    if (password === undefined && source?.kind !== 'command') requireOption(values['password-env'], 'password-env', ADD_USAGE);
    const settings: Partial<AccountSettings> = {};
    if (values['pop3-delete']) settings.pop3Delete = parsePop3Delete(values['pop3-delete']);
    if (source) settings.passwordSource = source;
    const service = await ctx.service();
    const email = requireOption(values.email, 'email', ADD_USAGE);
    const server: ServerSettings = {
      protocol: parseChoice<Protocol>(requireOption(values.protocol, 'protocol', ADD_USAGE), 'protocol', PROTOCOLS, ADD_USAGE),
      host: requireOption(values.host, 'host', ADD_USAGE),
      port: parsePort(requireOption(values.port, 'port', ADD_USAGE), ADD_USAGE),
      security: parseChoice<Security>(requireOption(values.security, 'security', ADD_USAGE), 'security', SECURITIES, ADD_USAGE),
      username: requireOption(values.username, 'username', ADD_USAGE),
    };
    let apopRefused = false;
    if (!values['no-test']) {
      // An account that cannot connect would only fail at the first sync: say so now, and store nothing.
      const tested = await testBeforeAdding(service, server, password, source, values['trust-fingerprint']);
      if (tested.refusal) {
        ctx.stderr.write(blockText(tested.refusal));
        return 1;
      }
      apopRefused = tested.apopRefused;
    }
    const smtp = await outgoingForAdd(ctx, service, values, email, ADD_USAGE);
    const account = await service.addAccount({
      email,
      ...server,
      ...(password !== undefined ? { password } : {}),
      ...(values.name ? { name: values.name } : {}),
      ...(values['trust-fingerprint'] ? { trustedFingerprint: values['trust-fingerprint'] } : {}),
      ...(Object.keys(settings).length > 0 ? { settings } : {}),
      ...(smtp ? { smtp } : {}),
      ...(apopRefused ? { apopRefused } : {}),
    });
    ctx.stdout.write(`${account.id}\n`);
    return 0;
  },
};

const EDIT_USAGE =
  'account edit ID [--name NAME] [--email E] [--host H] [--port N] [--security tls|starttls|none] [--username U] [--password-env VAR] ' +
  "[--password-command 'pass show mail/me' | --insecure-store-in-file | --keychain] " +
  '[--trust-fingerprint SHA256HEX|none] [--pop3-delete POLICY] [--check-interval MINUTES] ' +
  '[--smtp-host H|none] [--smtp-port N] [--smtp-security tls|starttls|none] [--smtp-username U|none] [--smtp-password-env VAR] [--smtp-trust-fingerprint SHA256HEX|none]';

export const accountEdit: CliCommand = {
  name: 'account edit',
  usage: EDIT_USAGE,
  summary: 'change an account’s settings (a new host clears a trusted certificate unless one is given)',
  async run(ctx, argv) {
    const { values, positionals } = parse(
      argv,
      {
        name: { type: 'string' },
        email: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        security: { type: 'string' },
        username: { type: 'string' },
        ...passwordOptions,
        'trust-fingerprint': { type: 'string' },
        'pop3-delete': { type: 'string' },
        'check-interval': { type: 'string' },
        ...outgoingOptions,
      },
      EDIT_USAGE,
    );
    const id = requireOption(positionals[0], 'ID', EDIT_USAGE);
    const patch: AccountPatch = {};
    if (values.name) patch.name = values.name;
    if (values.email) patch.email = values.email;
    if (values.host) patch.host = values.host;
    if (values.port) patch.port = parsePort(values.port, EDIT_USAGE);
    if (values.security) patch.security = parseChoice<Security>(values.security, 'security', SECURITIES, EDIT_USAGE);
    if (values.username) patch.username = values.username;
    const { password, source } = passwordChoice(ctx, values);
    if (password !== undefined) patch.password = password;
    if (values['trust-fingerprint']) patch.trustedFingerprint = values['trust-fingerprint'] === 'none' ? null : values['trust-fingerprint'];
    const settings: Partial<AccountSettings> = {};
    if (values['pop3-delete']) settings.pop3Delete = parsePop3Delete(values['pop3-delete']);
    if (values['check-interval']) settings.checkIntervalMinutes = Number(values['check-interval']);
    if (source) settings.passwordSource = source;
    if (Object.keys(settings).length > 0) patch.settings = settings;
    const service = await ctx.service();
    if (Object.keys(values).some((key) => key.startsWith('smtp-'))) {
      const current = (await service.listAccounts({})).find((a) => a.id === id);
      if (!current) throw new HomingError('NOT_FOUND', `No account with id ${id}.`);
      const smtp = await outgoingPatch(ctx, service, values, current, EDIT_USAGE);
      if (smtp !== undefined) patch.smtp = smtp;
    }
    if (Object.keys(patch).length === 0) throw new HomingError('INVALID_ARGUMENT', `nothing to change\nusage: homing ${EDIT_USAGE}`);
    const account = await service.updateAccount({ id, patch });
    ctx.stdout.write(`${account.id}\n`);
    return 0;
  },
};

export function parsePop3Delete(value: string): Pop3DeletePolicy {
  if (value === 'never' || value === 'after-download' || value === 'when-deleted-locally') return { kind: value };
  const days = /^after-days:(\d{1,4})$/.exec(value);
  if (days) return { kind: 'after-days', days: Number(days[1]) };
  throw new HomingError('INVALID_ARGUMENT', `--pop3-delete must be never, after-download, after-days:N or when-deleted-locally (got ${value})`);
}

export const accountList: CliCommand = {
  name: 'account list',
  usage: 'account list [--json]',
  summary: 'list mail accounts',
  async run(ctx, argv) {
    const { values } = parse(argv, { json: { type: 'boolean' } }, this.usage);
    const accounts = await (await ctx.service()).listAccounts({});
    if (values.json) printJson(ctx, accounts);
    else if (accounts.length === 0) ctx.stdout.write('No accounts yet. Add one with `homing account add`.\n');
    else for (const a of accounts) ctx.stdout.write(`${a.id}  ${a.protocol.padEnd(4)}  ${inlineText(a.email)}  ${inlineText(a.host ?? '')}:${a.port ?? ''}  ${a.security ?? ''}\n`);
    return 0;
  },
};

export const accountTest: CliCommand = {
  name: 'account test',
  usage: 'account test ID [--json]',
  summary: 'connect, check the certificate and log in with an account’s settings',
  async run(ctx, argv) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' } }, this.usage);
    const id = requireOption(positionals[0], 'ID', this.usage);
    const result = await (await ctx.service()).testConnection({ accountId: id });
    if (values.json) printJson(ctx, result);
    // The server's words and its certificate's names are the server's to choose: escaped like mail.
    else ctx.stdout.write(blockText(describeTest(id, result)));
    return result.ok ? 0 : 1;
  },
};

/** A connection test in words: what failed, what to do, and the certificate when it is the question. */
export function describeTest(id: string, result: ConnectionTestResult): string {
  if (result.ok) {
    const lines = [`ok: connected and logged in.`, `capabilities: ${result.capabilities.join(' ')}`];
    if (result.certificate) lines.push(...describeCertificate(result.certificate));
    return `${lines.join('\n')}\n`;
  }
  const { code, message } = result.error;
  const lines = [`${code}: ${message}`, ...describeFailure(result.error, (what, options) => `${what}: homing account edit ${id} ${options} --password-env VAR`)];
  return `${lines.join('\n')}\n`;
}

/**
 * What to do about a failed test, after its first line: the advice, the certificate when it is the
 * question, and each fix as the options that apply it (`fixLine` words them for the command at hand).
 */
export function describeFailure(error: ErrorData, fixLine: (what: string, options: string) => string, server: 'incoming' | 'outgoing' = 'incoming'): string[] {
  const { code, detail = {} } = error;
  // The outgoing server's settings are the --smtp-* options of account edit.
  const option = (name: string) => (server === 'outgoing' ? `--smtp-${name}` : `--${name}`);
  const lines: string[] = [];
  // A message that already ends with the advice (AUTH_FAILED's) is not followed by it again.
  if (typeof detail.hint === 'string' && !error.message.includes(detail.hint)) lines.push(`what to do: ${detail.hint}`);
  const certificate = detail.certificate as CertificateInfo | undefined;
  if (certificate) lines.push(...describeCertificate(certificate));
  if (detail.fix === 'use-certificate-hostname' && Array.isArray(detail.suggestedHosts) && detail.suggestedHosts.length > 0) {
    lines.push(fixLine("to use the certificate's name", `${option('host')} ${String(detail.suggestedHosts[0])}`));
  }
  if (certificate && (detail.fix === 'trust-certificate' || code.startsWith('TLS_CERT_'))) {
    lines.push(fixLine('to trust exactly this certificate', `${option('trust-fingerprint')} ${certificate.fingerprint256}`));
  }
  const suggested = detail.suggested as { port?: number; security?: string } | undefined;
  if (detail.fix === 'switch-security' && suggested?.security) {
    lines.push(fixLine('to switch', `${option('security')} ${suggested.security}${suggested.port ? ` ${option('port')} ${suggested.port}` : ''}`));
  }
  return lines;
}

/**
 * `account add` tests before it stores (unless `--no-test`): the settings, the password (a password
 * command is run for it), the certificate. A failure is reported as an error with the certificate's
 * details and the options that fix it (`refusal`), and nothing is stored. `apopRefused`: what the test
 * learnt of a POP3 server's APOP, for addAccount.
 */
async function testBeforeAdding(
  service: MailClient,
  server: ServerSettings,
  password: string | undefined,
  source: PasswordSource | undefined,
  trustedFingerprint: string | undefined,
): Promise<{ refusal: string | null; apopRefused: boolean }> {
  const typed = password ?? (source?.kind === 'command' ? await runPasswordCommand(source.command) : undefined);
  if (typed === undefined) return { refusal: null, apopRefused: false };
  const result = await service.testConnection({ server, password: typed, ...(trustedFingerprint ? { trustedFingerprint } : {}) });
  if (result.ok) return { refusal: null, apopRefused: result.apopRefused === true };
  const lines = [
    `homing: ${result.error.code}: ${result.error.message}`,
    ...describeFailure(result.error, (what, options) => `${what}, run the same command with: ${options}`),
    'Nothing was stored. Fix the settings, or add --no-test to store them without testing.',
  ];
  return { refusal: `${lines.join('\n')}\n`, apopRefused: false };
}

function describeCertificate(certificate: CertificateInfo): string[] {
  return [
    `certificate: ${certificate.subject}`,
    `  issued by: ${certificate.issuer}`,
    `  valid:     ${certificate.validFrom} to ${certificate.validTo}`,
    `  covers:    ${certificate.altNames.join(', ') || '(no names)'}`,
    `  SHA-256:   ${certificate.fingerprint256.toUpperCase().replace(/(..)(?!$)/g, '$1:')}`,
  ];
}

export const accountAutoconfig: CliCommand = {
  name: 'account autoconfig',
  usage: 'account autoconfig EMAIL [--json]',
  summary: 'look up server settings for an address (autoconfig, ISPDB, MX, SRV, guessing)',
  async run(ctx, argv) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' } }, this.usage);
    const email = requireOption(positionals[0], 'EMAIL', this.usage);
    const result = await (await ctx.service()).autoconfigAccount({ email });
    if (values.json) printJson(ctx, result);
    else {
      for (const c of [...result.imap, ...result.pop3]) {
        ctx.stdout.write(`${c.protocol}  ${inlineText(c.host)}:${c.port}  ${c.security}  user=${inlineText(c.username)}  (${c.source}${c.probed ? ', answered' : ''})\n`);
      }
    }
    return result.imap.length + result.pop3.length > 0 ? 0 : 1;
  },
};

export const accountRemove: CliCommand = {
  name: 'account remove',
  usage: 'account remove ID [--yes]',
  summary: 'remove an account and all of its local mail (asks first; --yes for scripts)',
  async run(ctx: CliContext, argv) {
    const { values, positionals } = parse(argv, { yes: { type: 'boolean' } }, this.usage);
    const id = requireOption(positionals[0], 'ID', this.usage);
    const service = await ctx.service();
    // Unsent messages are only in this computer's outbox: named before the question, and after a --yes.
    const unsent = (await service.listOutbox({ accountId: id })).filter((item) => ['queued', 'sending', 'failed', 'uncertain'].includes(item.state)).length;
    // So are drafts the server has no copy of (a POP3 account's, or an IMAP one's not uploaded yet).
    const drafts = (await service.listDrafts({ accountId: id })).filter((draft) => draft.serverCopy !== 'saved').length;
    // And mail the server no longer has (a POP3 account's, deleted there after download) or never had (its Sent copies).
    const kept = await service.countLocalOnlyMessages({ accountId: id });
    const loss =
      (unsent === 0 ? '' : ` ${unsent === 1 ? '1 message' : `${unsent} messages`} in its outbox ${unsent === 1 ? 'has' : 'have'} not been sent and will be lost.`) +
      (drafts === 0 ? '' : ` ${drafts === 1 ? '1 draft is' : `${drafts} drafts are`} only on this computer and will be lost.`) +
      (kept === 0 ? '' : ` ${kept === 1 ? '1 of its messages is' : `${kept} of its messages are`} not on the server, only on this computer, and will be lost.`);
    if (!values.yes) {
      if (!process.stdin.isTTY) {
        // Cron and scripts have nobody to ask: refuse at once rather than wait for an answer that never comes.
        throw new HomingError('CANCELLED', `not removed: there is no terminal to confirm on; run \`homing account remove ${id} --yes\` to remove it and its mail.${loss}`);
      }
      if (!(await confirm(ctx, `Remove account ${id} and all of its mail on this computer?${loss} [y/N] `))) {
        ctx.stderr.write('Not removed.\n');
        return 1;
      }
    }
    await service.removeAccount({ id, confirm: true });
    const discarded = [
      ...(unsent === 0 ? [] : [unsent === 1 ? 'its unsent message' : `its ${unsent} unsent messages`]),
      ...(drafts === 0 ? [] : [drafts === 1 ? `${unsent === 0 ? 'its ' : ''}draft` : `${unsent === 0 ? 'its ' : ''}${drafts} drafts`]),
      ...(kept === 0 ? [] : [`${unsent + drafts === 0 ? 'its ' : ''}${kept === 1 ? 'message' : `${kept} messages`} only on this computer`]),
    ];
    if (discarded.length > 0) ctx.stderr.write(`removed; ${discarded.join(' and ')} ${unsent + drafts + kept === 1 ? 'was' : 'were'} discarded\n`);
    return 0;
  },
};

/** Asks on the terminal; end of input (Ctrl-D) or anything but yes is no. */
async function confirm(ctx: CliContext, question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: process.stdin, output: ctx.stderr, terminal: true });
  try {
    return await new Promise<boolean>((resolve) => {
      rl.once('close', () => resolve(false));
      rl.question(question, (answer) => resolve(/^y(es)?$/i.test(answer.trim())));
    });
  } finally {
    rl.close();
  }
}
