import type { Account } from '../../shared/contract/accounts';
import type { Folder } from '../../shared/contract/messages';
import type { Rule, RuleAction, RuleInput } from '../../shared/contract/rules';
import { folderName } from './folder-tree';

/**
 * The rule editor's model: a rule as the form holds it (an action may be half filled in: a move with no
 * folder chosen yet), the words for each action, and the check that turns a draft into what saveRule takes.
 */

export type ActionKind = RuleAction['kind'];

/** The actions the editor offers, in its menu's order, with their words. */
export const editorActions: ReadonlyArray<{ kind: ActionKind; label: string; serverCopy?: boolean }> = [
  { kind: 'move', label: 'Move to folder' },
  { kind: 'copy', label: 'Copy to folder' },
  { kind: 'tag', label: 'Add tag' },
  { kind: 'read', label: 'Mark read' },
  { kind: 'flag', label: 'Flag' },
  { kind: 'delete', label: 'Delete (to Trash)' },
  { kind: 'junk', label: 'Mark as junk' },
  { kind: 'stop', label: 'Stop processing more rules' },
  { kind: 'server-keep', label: 'Keep on the server (POP3)', serverCopy: true },
  { kind: 'server-delete', label: 'Delete from the server (POP3)', serverCopy: true },
  { kind: 'download-later', label: 'Download the rest later (POP3)', serverCopy: true },
];

/**
 * The actions a rule for `scope` may take: keeping or deleting the server's copy only where the account
 * chooses it (POP3), or for a rule on every account (it acts where it can).
 */
export function offeredRuleActions(scope: Account | null | undefined, everyAccount: boolean): typeof editorActions {
  return editorActions.filter((a) => !a.serverCopy || everyAccount || scope?.capabilities.choosesServerCopy === true);
}

/** One action as the form holds it: a folder or tag not chosen yet is null / ''. */
export interface DraftAction {
  kind: ActionKind;
  folderId: number | null;
  tag: string;
}

export interface RuleDraft {
  id?: number;
  name: string;
  query: string;
  /** null: every account. */
  accountId: string | null;
  enabled: boolean;
  actions: DraftAction[];
}

export const emptyDraft = (): RuleDraft => ({ name: '', query: '', accountId: null, enabled: true, actions: [{ kind: 'move', folderId: null, tag: '' }] });

export function draftOf(rule: Rule): RuleDraft {
  return {
    id: rule.id,
    name: rule.name,
    query: rule.query,
    accountId: rule.accountId,
    enabled: rule.enabled,
    actions: rule.actions.map((a) => ({ kind: a.kind, folderId: 'folderId' in a ? a.folderId : null, tag: a.kind === 'tag' ? a.tag : '' })),
  };
}

/** The draft as saveRule takes it, or what is still missing, in words for the form. */
export function ruleInputOf(draft: RuleDraft): { input: RuleInput } | { problem: string } {
  if (draft.name.trim() === '') return { problem: 'Give the rule a name.' };
  if (draft.query.trim() === '') return { problem: 'Say which mail the rule is for (a search, like from:shop.example).' };
  if (draft.actions.length === 0) return { problem: 'Add at least one action.' };
  const actions: RuleAction[] = [];
  for (const [i, a] of draft.actions.entries()) {
    if (a.kind === 'move' || a.kind === 'copy') {
      if (a.folderId === null) return { problem: `Action ${i + 1}: choose the folder.` };
      actions.push({ kind: a.kind, folderId: a.folderId });
    } else if (a.kind === 'tag') {
      const tag = a.tag.trim();
      if (tag === '') return { problem: `Action ${i + 1}: name the tag.` };
      if (/[\s()"\\{}%*\]]/.test(tag)) return { problem: `Action ${i + 1}: a tag is one word without spaces, parentheses, quotes or * % ] { }.` };
      actions.push({ kind: 'tag', tag });
    } else {
      actions.push({ kind: a.kind } as RuleAction);
    }
  }
  return { input: { ...(draft.id !== undefined ? { id: draft.id } : {}), name: draft.name.trim(), query: draft.query.trim(), actions, accountId: draft.accountId, enabled: draft.enabled } };
}

/** One action in words, for the rule list: "Move to Lists", "Tag work", "Mark read". */
export function actionWords(action: RuleAction, folders: readonly Folder[]): string {
  switch (action.kind) {
    case 'move':
    case 'copy': {
      const folder = folders.find((f) => f.id === action.folderId);
      return `${action.kind === 'move' ? 'Move to' : 'Copy to'} ${folder ? folderName(folder) : 'a folder that no longer exists'}`;
    }
    case 'tag':
      return `Tag ${action.tag}`;
    default:
      return editorActions.find((e) => e.kind === action.kind)?.label ?? action.kind;
  }
}

/** Where a rule applies, in words. */
export function scopeWords(accountId: string | null, accounts: readonly Account[]): string {
  if (accountId === null) return 'All accounts';
  return accounts.find((a) => a.id === accountId)?.email ?? 'An account that was removed';
}

/** The folders a copy may go to: the scope's account's (a copy stays within its account; every account's for an all-accounts rule). */
export function copyTargets(folders: readonly Folder[], accountId: string | null): Folder[] {
  return folders.filter((f) => f.accountId !== 'local' && (accountId === null || f.accountId === accountId));
}

/** The folders a move may go to: the scope's account and Local Folders (every account's for an all-accounts rule), selectable ones only. */
export function moveTargets(folders: readonly Folder[], accountId: string | null): Folder[] {
  return folders.filter((f) => (accountId === null || f.accountId === accountId || f.accountId === 'local'));
}

/** Moves item `from` one place up (-1) or down (+1); a copy. */
export function shifted<T>(list: readonly T[], from: number, by: -1 | 1): T[] {
  const to = from + by;
  if (to < 0 || to >= list.length) return [...list];
  const next = [...list];
  [next[from], next[to]] = [next[to]!, next[from]!];
  return next;
}
