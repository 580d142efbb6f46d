import type { Pop3DeletePolicy, Protocol, Security } from '../../../shared/contract/accounts';
import { HomingError } from '../../../shared/errors';
import { type CliContext, printJson } from '../cli-context';
import type { CliCommand } from '../command';
import { parse, parsePort, requireOption } from '../parse';

const ADD_USAGE =
  'account add --email E --protocol imap|pop3 --host H --port N --security tls|starttls|none --username U --password-env VAR ' +
  '[--name NAME] [--trust-fingerprint SHA256HEX] [--pop3-delete never|after-download|after-days:N|when-deleted-locally]';

export const accountAdd: CliCommand = {
  name: 'account add',
  usage: ADD_USAGE,
  summary: 'add a mail account; prints its id',
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
        'password-env': { type: 'string' },
        name: { type: 'string' },
        'trust-fingerprint': { type: 'string' },
        'pop3-delete': { type: 'string' },
      },
      ADD_USAGE,
    );
    const passwordVar = requireOption(values['password-env'], 'password-env', ADD_USAGE);
    const password = ctx.env[passwordVar];
    if (!password) throw new HomingError('INVALID_ARGUMENT', `the environment variable ${passwordVar} is empty or not set`);
    const service = await ctx.service();
    const account = await service.addAccount({
      email: requireOption(values.email, 'email', ADD_USAGE),
      protocol: requireOption(values.protocol, 'protocol', ADD_USAGE) as Protocol,
      host: requireOption(values.host, 'host', ADD_USAGE),
      port: parsePort(requireOption(values.port, 'port', ADD_USAGE), ADD_USAGE),
      security: requireOption(values.security, 'security', ADD_USAGE) as Security,
      username: requireOption(values.username, 'username', ADD_USAGE),
      password,
      ...(values.name ? { name: values.name } : {}),
      ...(values['trust-fingerprint'] ? { trustedFingerprint: values['trust-fingerprint'] } : {}),
      ...(values['pop3-delete'] ? { settings: { pop3Delete: parsePop3Delete(values['pop3-delete']) } } : {}),
    });
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
    else for (const a of accounts) ctx.stdout.write(`${a.id}  ${a.protocol.padEnd(4)}  ${a.email}  ${a.host ?? ''}:${a.port ?? ''}\n`);
    return 0;
  },
};

export const accountTest: CliCommand = {
  name: 'account test',
  usage: 'account test ID [--json]',
  summary: 'connect and log in with an account’s settings',
  async run(ctx, argv) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' } }, this.usage);
    const id = requireOption(positionals[0], 'ID', this.usage);
    const result = await (await ctx.service()).testConnection({ accountId: id });
    if (values.json) printJson(ctx, result);
    else if (result.ok) ctx.stdout.write(`ok: logged in (${result.capabilities.join(' ')})\n`);
    else ctx.stdout.write(`${result.error.code}: ${result.error.message}\n`);
    return result.ok ? 0 : 1;
  },
};

export const accountAutoconfig: CliCommand = {
  name: 'account autoconfig',
  usage: 'account autoconfig EMAIL [--json]',
  summary: 'look up server settings for an address',
  async run(ctx, argv) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' } }, this.usage);
    const email = requireOption(positionals[0], 'EMAIL', this.usage);
    const result = await (await ctx.service()).autoconfigAccount({ email });
    if (values.json) printJson(ctx, result);
    else {
      for (const c of [...result.imap, ...result.pop3]) {
        ctx.stdout.write(`${c.protocol}  ${c.host}:${c.port}  ${c.security}  user=${c.username}  (${c.source})\n`);
      }
    }
    return result.imap.length + result.pop3.length > 0 ? 0 : 1;
  },
};

export const accountRemove: CliCommand = {
  name: 'account remove',
  usage: 'account remove ID [--yes]',
  summary: 'remove an account and all of its local mail',
  async run(ctx: CliContext, argv) {
    const { values, positionals } = parse(argv, { yes: { type: 'boolean' } }, this.usage);
    const id = requireOption(positionals[0], 'ID', this.usage);
    if (!values.yes && !(await confirm(ctx, `Remove account ${id} and all of its mail on this computer? [y/N] `))) {
      ctx.stderr.write('Not removed.\n');
      return 1;
    }
    await (await ctx.service()).removeAccount({ id, confirm: true });
    return 0;
  },
};

/** Asks on the terminal; without one (cron, scripts) the answer is no: pass --yes. */
async function confirm(ctx: CliContext, question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: ctx.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
