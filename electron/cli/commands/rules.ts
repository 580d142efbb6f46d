import type { MailService } from '../../../shared/contract';
import type { Folder } from '../../../shared/contract/messages';
import type { RuleAction } from '../../../shared/contract/rules';
import { HomingError } from '../../../shared/errors';
import type { CliCommand } from '../command';
import { findFolders } from '../folder-lookup';
import { parse, requireOption } from '../parse';
import { inlineText, printJson } from '../terminal-text';

const ACTION_WORDS = 'move:FOLDER|copy:FOLDER|tag:T|read|flag|delete|junk|stop|server-keep|server-delete|download-later';

export const ruleAdd: CliCommand = {
  name: 'rule add',
  usage: `rule add --name N --match QUERY --action ${ACTION_WORDS} [--action ...] [--account ID] [--disabled] [--json]`,
  summary: 'add a mail rule: a search query and what to do with mail that matches it (in order)',
  async run(ctx, argv) {
    const { values } = parse(
      argv,
      {
        name: { type: 'string' },
        match: { type: 'string' },
        action: { type: 'string', multiple: true },
        account: { type: 'string' },
        disabled: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      this.usage,
    );
    const name = requireOption(values.name, 'name', this.usage);
    const query = requireOption(values.match, 'match', this.usage);
    const words = values.action ?? [];
    if (words.length === 0) throw new HomingError('INVALID_ARGUMENT', `at least one --action is required\nusage: homing ${this.usage}`);
    const service = await ctx.service();
    const actions: RuleAction[] = [];
    for (const word of words) actions.push(await parseAction(service, word, values.account, this.usage));
    const rule = await service.saveRule({ name, query, actions, accountId: values.account ?? null, enabled: !values.disabled });
    if (values.json) printJson(ctx, rule);
    else ctx.stdout.write(`${rule.id}\n`);
    return 0;
  },
};

export const ruleList: CliCommand = {
  name: 'rule list',
  usage: 'rule list [--json]',
  summary: 'list mail rules in the order they run',
  async run(ctx, argv) {
    const { values } = parse(argv, { json: { type: 'boolean' } }, this.usage);
    const service = await ctx.service();
    const rules = await service.listRules({});
    if (values.json) {
      printJson(ctx, rules);
      return 0;
    }
    const folders = new Map((await service.listFolders({})).map((f) => [f.id, f]));
    for (const rule of rules) {
      const state = rule.broken ? `broken: ${rule.broken.message}` : rule.enabled ? 'enabled' : 'disabled';
      ctx.stdout.write(
        `${rule.id}\t${inlineText(rule.name)}\t${inlineText(rule.query)}\t${rule.actions.map((a) => actionWord(a, folders)).join(' ')}\t${rule.accountId ?? 'all accounts'}\t${inlineText(state)}\n`,
      );
    }
    return 0;
  },
};

export const ruleRemove: CliCommand = {
  name: 'rule remove',
  usage: 'rule remove ID',
  summary: 'remove a mail rule',
  async run(ctx, argv) {
    const { positionals } = parse(argv, {}, this.usage);
    await (await ctx.service()).removeRule({ id: ruleId(positionals, this.usage) });
    return 0;
  },
};

export const ruleRun: CliCommand = {
  name: 'rule run',
  usage: 'rule run ID|--all [--folder PATH [--account ID]] [--json]',
  summary: 'run a rule (or every enabled one) now on a folder, or on the inboxes it applies to',
  async run(ctx, argv) {
    const { values, positionals } = parse(argv, { all: { type: 'boolean' }, folder: { type: 'string' }, account: { type: 'string' }, json: { type: 'boolean' } }, this.usage);
    if (values.all === (positionals.length > 0)) throw new HomingError('INVALID_ARGUMENT', `name one rule or --all\nusage: homing ${this.usage}`);
    const service = await ctx.service();
    const folder = values.folder === undefined ? undefined : await oneFolder(service, values.folder, values.account);
    const result = await service.runRules({
      ...(values.all ? {} : { ruleIds: [ruleId(positionals, this.usage)] }),
      ...(folder ? { folderId: folder.id } : {}),
    });
    if (values.json) printJson(ctx, result);
    else for (const r of result.rules) ctx.stdout.write(`${r.ruleId}\tmatched ${r.matched}\tacted on ${r.acted}${r.broken ? `\tbroken: ${inlineText(r.broken.message)}` : ''}\n`);
    const broken = result.rules.find((r) => r.broken);
    if (broken?.broken) throw new HomingError('RULE_BROKEN', `Rule ${broken.ruleId} is broken: ${broken.broken.message}`, { ruleId: broken.ruleId });
    return 0;
  },
};

function ruleId(words: string[], usage: string): number {
  const id = Number(words[0]);
  if (words.length !== 1 || !Number.isSafeInteger(id) || id <= 0) throw new HomingError('INVALID_ARGUMENT', `one rule id is required\nusage: homing ${usage}`);
  return id;
}

/** One folder by path: in the named account, or the only one of that path in any account. */
async function oneFolder(service: MailService, path: string, accountId: string | undefined): Promise<Folder> {
  const matches = await findFolders(service, accountId, path);
  if (matches.length > 1) {
    throw new HomingError('INVALID_ARGUMENT', `Several accounts have a folder ${path} (${matches.map((f) => f.accountId).join(', ')}): name one with --account.`);
  }
  return matches[0]!;
}

async function parseAction(service: MailService, word: string, accountId: string | undefined, usage: string): Promise<RuleAction> {
  const colon = word.indexOf(':');
  const kind = colon === -1 ? word : word.slice(0, colon);
  const value = colon === -1 ? '' : word.slice(colon + 1);
  switch (kind) {
    case 'move':
    case 'copy': {
      if (!value) throw new HomingError('INVALID_ARGUMENT', `${kind}: needs a folder, like ${kind}:Archive\nusage: homing ${usage}`);
      return { kind, folderId: (await oneFolder(service, value, accountId)).id };
    }
    case 'tag':
      if (!value) throw new HomingError('INVALID_ARGUMENT', `tag: needs a tag, like tag:work\nusage: homing ${usage}`);
      return { kind: 'tag', tag: value };
    case 'read':
    case 'flag':
    case 'delete':
    case 'junk':
    case 'stop':
    case 'server-keep':
    case 'server-delete':
    case 'download-later':
      if (value) break;
      return { kind };
  }
  throw new HomingError('INVALID_ARGUMENT', `not a rule action: ${word} (one of ${ACTION_WORDS})\nusage: homing ${usage}`);
}

function actionWord(action: RuleAction, folders: Map<number, Folder>): string {
  switch (action.kind) {
    case 'move':
    case 'copy':
      return `${action.kind}:${inlineText(folders.get(action.folderId)?.path ?? `#${action.folderId}`)}`;
    case 'tag':
      return `tag:${inlineText(action.tag)}`;
    default:
      return action.kind;
  }
}

