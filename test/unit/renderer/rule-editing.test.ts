import { describe, expect, it } from 'vitest';
import { capabilitiesOf } from '../../../shared/account-capabilities';
import type { Account } from '../../../shared/contract/accounts';
import type { Folder } from '../../../shared/contract/messages';
import { ruleInputSchema } from '../../../shared/contract/rules';
import { actionWords, copyTargets, draftOf, emptyDraft, moveTargets, offeredRuleActions, ruleInputOf, shifted } from '../../../renderer/mail/rule-editing';

const folder = (id: number, accountId: string, path: string, specialUse: Folder['specialUse'] = null): Folder => ({
  id, accountId, path, name: path, parentPath: null, delimiter: '/', specialUse, subscribed: true, total: 0, unread: 0, offline: 0, syncError: null,
});

/** The rule editor's model: what it sends to saveRule, and what it says is still missing. */
describe('rule editing', () => {
  it('turns a filled-in draft into what the contract accepts, in the order of its actions', () => {
    const draft = { ...emptyDraft(), name: ' Lists ', query: ' from:lists.example ', accountId: 'a1' };
    draft.actions = [
      { kind: 'tag' as const, folderId: null, tag: ' news ' },
      { kind: 'move' as const, folderId: 7, tag: '' },
      { kind: 'stop' as const, folderId: null, tag: '' },
    ];
    const result = ruleInputOf(draft);
    expect(result).toEqual({
      input: { name: 'Lists', query: 'from:lists.example', accountId: 'a1', enabled: true, actions: [{ kind: 'tag', tag: 'news' }, { kind: 'move', folderId: 7 }, { kind: 'stop' }] },
    });
    expect(ruleInputSchema.safeParse('input' in result ? result.input : null).success).toBe(true);
    // A saved rule comes back into the editor as it was.
    const saved = { id: 3, position: 1, broken: null, name: 'Lists', query: 'from:lists.example', accountId: 'a1', enabled: true, actions: [{ kind: 'tag' as const, tag: 'news' }, { kind: 'move' as const, folderId: 7 }] };
    expect(ruleInputOf(draftOf(saved))).toEqual({ input: { id: 3, name: 'Lists', query: 'from:lists.example', accountId: 'a1', enabled: true, actions: saved.actions } });
  });

  it('says what is missing instead of sending a half-made rule', () => {
    expect(ruleInputOf({ ...emptyDraft(), query: 'x' })).toEqual({ problem: 'Give the rule a name.' });
    expect(ruleInputOf({ ...emptyDraft(), name: 'n' })).toMatchObject({ problem: expect.stringMatching(/^Say which mail/) });
    expect(ruleInputOf({ ...emptyDraft(), name: 'n', query: 'x' })).toEqual({ problem: 'Action 1: choose the folder.' });
    expect(ruleInputOf({ ...emptyDraft(), name: 'n', query: 'x', actions: [{ kind: 'tag', folderId: null, tag: 'two words' }] })).toMatchObject({ problem: expect.stringMatching(/^Action 1: a tag is one word/) });
    expect(ruleInputOf({ ...emptyDraft(), name: 'n', query: 'x', actions: [] })).toEqual({ problem: 'Add at least one action.' });
  });

  it('words actions, offers the scope’s folders and Local Folders as move targets, and reorders', () => {
    const folders = [folder(1, 'a1', 'INBOX', 'inbox'), folder(2, 'a2', 'Lists'), folder(3, 'local', 'Saved')];
    expect(actionWords({ kind: 'move', folderId: 1 }, folders)).toBe('Move to Inbox');
    expect(actionWords({ kind: 'move', folderId: 99 }, folders)).toBe('Move to a folder that no longer exists');
    expect(actionWords({ kind: 'tag', tag: 'work' }, folders)).toBe('Tag work');
    expect(actionWords({ kind: 'read' }, folders)).toBe('Mark read');
    expect(moveTargets(folders, 'a1').map((f) => f.id)).toEqual([1, 3]);
    expect(moveTargets(folders, null).map((f) => f.id)).toEqual([1, 2, 3]);
    expect(shifted(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(shifted(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
  });
});

describe('the actions a rule may take, by what its account can do', () => {
  it('offers keeping or deleting the server’s copy only where the account chooses it (POP3), or for every account', () => {
    const kinds = (scope: Parameters<typeof offeredRuleActions>[0], every = false) => offeredRuleActions(scope, every).map((a) => a.kind);
    const pop3 = { capabilities: capabilitiesOf('pop3') } as Account;
    const imap = { capabilities: capabilitiesOf('imap') } as Account;
    expect(kinds(pop3)).toContain('server-delete');
    expect(kinds(imap)).not.toContain('server-keep');
    expect(kinds(imap)).not.toContain('server-delete');
    expect(kinds(null, true)).toContain('server-keep');
    expect(kinds(pop3)).toContain('download-later');
    expect(kinds(imap)).not.toContain('download-later');
    expect(kinds(imap)).toContain('copy');
  });

  it('copies only into folders of the rule’s account, never Local Folders', () => {
    const folders = [
      { id: 1, accountId: 'a' },
      { id: 2, accountId: 'b' },
      { id: 3, accountId: 'local' },
    ] as Folder[];
    expect(copyTargets(folders, 'a').map((f) => f.id)).toEqual([1]);
    expect(copyTargets(folders, null).map((f) => f.id)).toEqual([1, 2]);
  });
});
