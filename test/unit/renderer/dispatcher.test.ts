import { describe, expect, it, vi } from 'vitest';
import { actionNames } from '../../../shared/contract/action-names';
import type { Folder } from '../../../shared/contract/messages';
import type { ActionContext } from '../../../renderer/actions/action';
import { allActions } from '../../../renderer/actions/all-actions';
import { createDispatcher, keyLabel, keyOf } from '../../../renderer/actions/dispatcher';
import { tagChoices } from '../../../renderer/mail/tag-choices';

const press = (key: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {}) =>
  keyOf({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

function context(overrides: Partial<ActionContext> = {}): ActionContext {
  const ui = {
    move: vi.fn(),
    selectAll: vi.fn(),
    openFocused: vi.fn(),
    focusSearch: vi.fn(),
    escape: vi.fn(),
    showShortcuts: vi.fn(),
    openMovePicker: vi.fn(),
    toggleBodyView: vi.fn(),
    openSettings: vi.fn(),
    addAccount: vi.fn(),
    compose: vi.fn(),
    undo: vi.fn(),
    editingText: vi.fn(() => false),
    print: vi.fn(),
    ask: vi.fn(),
    openTagMenu: vi.fn(),
  };
  return {
    api: {
      markMessages: vi.fn(async () => undefined),
      deleteMessages: vi.fn(async () => undefined),
      moveMessages: vi.fn(async () => undefined),
      archiveMessages: vi.fn(async () => ({ undo: null })),
      tagMessages: vi.fn(async () => ({ undo: null })),
      undo: vi.fn(async () => ({ undone: {}, restored: 1, missing: [] })),
    } as unknown as ActionContext['api'],
    desktop: null,
    ui,
    selected: [],
    selectedCount: 0,
    selectedIds: [],
    focused: null,
    patch: vi.fn(),
    report: vi.fn(),
    done: vi.fn(),
    canUndo: false,
    folders: [],
    accounts: [],
    tags: tagChoices([]),
    readerOpen: false,
    bodyView: 'html',
    shownFolder: null,
    target: {},
    ...overrides,
  };
}

describe('keys and the action dispatcher', () => {
  it('spells key presses one way on every platform', () => {
    expect(press('j')).toBe('j');
    expect(press('J', { shiftKey: true })).toBe('J');
    expect(press('#', { shiftKey: true })).toBe('#');
    expect(press('?', { shiftKey: true })).toBe('?');
    expect(press('f', { ctrlKey: true })).toBe('Mod+f');
    expect(press('F', { metaKey: true, shiftKey: true })).toBe('Mod+Shift+f');
    expect(press('ArrowDown', { shiftKey: true })).toBe('Shift+ArrowDown');
    expect(keyLabel('Mod+f', false)).toBe('Ctrl+F');
    expect(keyLabel('Mod+f', true)).toBe('⌘F');
    expect(keyLabel('J', false)).toBe('Shift+J');
    expect(keyLabel('ArrowDown', false)).toBe('↓');
  });

  it('binds every key once and every name once (a clash is a startup error)', () => {
    expect(() => createDispatcher(allActions)).not.toThrow();
    const others = allActions.filter((a) => a.name !== 'escape');
    const escape = allActions.find((a) => a.name === 'escape')!;
    expect(() => createDispatcher([...others, { ...escape, keys: ['j'] }])).toThrow(/Two actions are bound to j: next-message and escape/);
    expect(() => createDispatcher([...allActions, allActions[3]!])).toThrow(/Two actions are named extend-previous/);
  });

  it('has exactly one action for every name the menu and the other entry points may ask for', () => {
    expect(allActions.map((a) => a.name).sort()).toEqual([...actionNames].sort());
  });

  it('runs an action by name, aimed at a target: the move picker and a drop move the selection into the folder', async () => {
    const dispatcher = createDispatcher(allActions);
    const archive = { id: 9, accountId: 'a', path: 'Archive', name: 'Archive' } as Folder;
    const inArchive = { id: 7, folderId: 9 } as ActionContext['selected'][number];
    const inInbox = { id: 8, folderId: 1 } as ActionContext['selected'][number];
    // Nothing to do when every selected message is there already, or without a folder to go to.
    expect(dispatcher.runNamed('move-to-folder', context({ selected: [inArchive], selectedCount: 1, selectedIds: [7] }), { folder: archive })).toBe(false);
    expect(dispatcher.runNamed('move-to-folder', context({ selected: [inInbox], selectedCount: 1, selectedIds: [8] }))).toBe(false);
    const ctx = context({ selected: [inArchive, inInbox], selectedCount: 2, selectedIds: [7, 8] });
    expect(dispatcher.runNamed('move-to-folder', ctx, { folder: archive })).toBe(true);
    expect(ctx.api.moveMessages).toHaveBeenCalledWith({ ids: [7, 8], toFolderId: 9 });
    expect(dispatcher.byName('move-to-folder')!.label).toBeTypeOf('function');
  });

  it('routes keys by where the focus is: typing stays typing, arrows belong to the widget that has them', () => {
    const dispatcher = createDispatcher(allActions);
    const ctx = context();
    expect(dispatcher.handleKey('j', 'text-field', ctx)).toBe(false);
    expect(dispatcher.handleKey('j', 'elsewhere', ctx)).toBe(true);
    expect(ctx.ui.move).toHaveBeenLastCalledWith(1, false);
    expect(dispatcher.handleKey('ArrowDown', 'elsewhere', ctx)).toBe(false);
    expect(dispatcher.handleKey('ArrowDown', 'list', ctx)).toBe(true);
    expect(dispatcher.handleKey('Mod+f', 'text-field', ctx)).toBe(true);
    expect(ctx.ui.focusSearch).toHaveBeenCalled();
    expect(dispatcher.handleKey('Escape', 'text-field', ctx)).toBe(true);
    expect(dispatcher.handleKey('Mod+a', 'text-field', ctx)).toBe(false);
  });

  it('runs message actions only with a selection, on every selected id', async () => {
    const dispatcher = createDispatcher(allActions);
    expect(dispatcher.handleKey('u', 'list', context())).toBe(false);
    const unread = { id: 7, seen: false, flagged: false } as ActionContext['selected'][number];
    const ctx = context({ selected: [unread], selectedCount: 2, selectedIds: [7, 8] });
    expect(dispatcher.handleKey('u', 'list', ctx)).toBe(true);
    await Promise.resolve();
    expect(ctx.patch).toHaveBeenCalledWith([7, 8], { seen: true });
    expect(ctx.api.markMessages).toHaveBeenCalledWith({ ids: [7, 8], seen: true });
    expect(dispatcher.handleKey('#', 'list', ctx)).toBe(true);
    expect(ctx.api.deleteMessages).toHaveBeenCalledWith({ ids: [7, 8] });
  });

  it('undoes an optimistic change and reports the error when the service refuses', async () => {
    const dispatcher = createDispatcher(allActions);
    const error = new Error('refused');
    const flagged = { id: 3, seen: true, flagged: false } as ActionContext['selected'][number];
    const ctx = context({
      selected: [flagged],
      selectedCount: 1,
      selectedIds: [3],
      api: { markMessages: vi.fn(async () => Promise.reject(error)) } as unknown as ActionContext['api'],
    });
    dispatcher.handleKey('s', 'list', ctx);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(ctx.patch).toHaveBeenNthCalledWith(1, [3], { flagged: true });
    expect(ctx.patch).toHaveBeenNthCalledWith(2, [3], { flagged: false });
    expect(ctx.report).toHaveBeenCalledWith(error);
  });

  it('takes a refused change on a mixed selection back row by row, each to its own state', async () => {
    const dispatcher = createDispatcher(allActions);
    const rows = [
      { id: 1, seen: true, flagged: true },
      { id: 2, seen: false, flagged: false },
      { id: 3, seen: true, flagged: false },
    ] as ActionContext['selected'];
    for (const [key, field] of [
      ['u', 'seen'],
      ['s', 'flagged'],
    ] as const) {
      const ctx = context({
        selected: rows,
        selectedCount: 3,
        selectedIds: [1, 2, 3],
        api: { markMessages: vi.fn(async () => Promise.reject(new Error('refused'))) } as unknown as ActionContext['api'],
      });
      dispatcher.handleKey(key, 'list', ctx);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(ctx.patch).toHaveBeenNthCalledWith(1, [1, 2, 3], { [field]: true });
      const restored = new Map<number, boolean>();
      for (const [ids, change] of vi.mocked(ctx.patch).mock.calls.slice(1)) for (const id of ids) restored.set(id, change[field]!);
      expect(Object.fromEntries(restored)).toEqual(Object.fromEntries(rows.map((r) => [r.id, r[field]])));
    }
  });

  it('leaves Ctrl/Cmd+Z to a text field (its own typing), and takes the last action back elsewhere', () => {
    const dispatcher = createDispatcher(allActions);
    const ctx = context({ canUndo: true });
    expect(dispatcher.handleKey('Mod+z', 'text-field', ctx)).toBe(false);
    expect(dispatcher.handleKey('Mod+z', 'list', context())).toBe(false);
    expect(dispatcher.handleKey('Mod+z', 'list', ctx)).toBe(true);
    expect(ctx.ui.undo).toHaveBeenCalledOnce();
  });

  it('tells what marking did, and its undo puts each row back to what it was', async () => {
    const dispatcher = createDispatcher(allActions);
    const unread = { id: 1, seen: false, flagged: false } as ActionContext['selected'][number];
    const read = { id: 2, seen: true, flagged: false } as ActionContext['selected'][number];
    const ctx = context({ selected: [unread, read], selectedCount: 2, selectedIds: [1, 2] });
    dispatcher.handleKey('u', 'list', ctx);
    await vi.waitFor(() => expect(ctx.done).toHaveBeenCalled());
    const outcome = vi.mocked(ctx.done).mock.calls[0]![0];
    expect(outcome.message).toBe('Marked 2 messages as read.');
    await outcome.undo!();
    // Only the one that was unread goes back.
    expect(ctx.api.markMessages).toHaveBeenLastCalledWith({ ids: [1], seen: false });
    // Some selected rows were never loaded: their earlier state is unknown, so there is no undo.
    const partly = context({ selected: [unread], selectedCount: 2, selectedIds: [1, 3] });
    dispatcher.handleKey('u', 'list', partly);
    await vi.waitFor(() => expect(partly.done).toHaveBeenCalled());
    expect(vi.mocked(partly.done).mock.calls[0]![0].undo).toBeNull();
  });

  it('moves back to each message’s own folder on undo; archives into each account’s Archive', async () => {
    const dispatcher = createDispatcher(allActions);
    const folder = (id: number, accountId: string, specialUse: Folder['specialUse'] = null) => ({ id, accountId, path: `F${id}`, name: `F${id}`, parentPath: null, specialUse }) as Folder;
    const [inboxA, otherA, archiveA, archiveB] = [folder(1, 'a', 'inbox'), folder(2, 'a'), folder(3, 'a', 'archive'), folder(4, 'b', 'archive')];
    const row = (id: number, f: Folder) => ({ id, accountId: f.accountId, folderId: f.id }) as ActionContext['selected'][number];
    const selected = [row(10, inboxA), row(11, otherA)];
    const ctx = context({ selected, selectedCount: 2, selectedIds: [10, 11], folders: [inboxA, otherA, archiveA, archiveB] });
    expect(dispatcher.runNamed('move-to-folder', ctx, { folder: archiveA })).toBe(true);
    await vi.waitFor(() => expect(ctx.done).toHaveBeenCalled());
    await vi.mocked(ctx.done).mock.calls[0]![0].undo!();
    expect(ctx.api.moveMessages).toHaveBeenCalledWith({ ids: [10], toFolderId: 1 });
    expect(ctx.api.moveMessages).toHaveBeenCalledWith({ ids: [11], toFolderId: 2 });

    // Archive: the service finds (or makes) each account's Archive; Undo takes back its undo entry.
    const both = context({ selected: [row(10, inboxA), row(20, folder(5, 'b'))], selectedCount: 2, selectedIds: [10, 20], folders: [inboxA, archiveA, archiveB] });
    const entry = { id: 7, kind: 'archive', description: 'Archived 2 messages.', accountIds: ['a', 'b'], messageCount: 2, createdAt: '' };
    vi.mocked(both.api.archiveMessages).mockResolvedValue({ undo: entry } as never);
    expect(dispatcher.handleKey('e', 'list', both)).toBe(true);
    await vi.waitFor(() => expect(both.done).toHaveBeenCalled());
    expect(both.api.archiveMessages).toHaveBeenCalledWith({ ids: [10, 20] });
    expect(both.api.moveMessages).not.toHaveBeenCalled();
    const archived = vi.mocked(both.done).mock.calls[0]![0];
    expect(archived.message).toBe('Archived 2 messages.');
    expect(await archived.undo!()).toBe('Undone.');
    expect(both.api.undo).toHaveBeenCalledWith({ id: 7 });
    // Not offered in the Archive itself.
    expect(dispatcher.handleKey('a', 'list', context({ ...both, shownFolder: archiveA }))).toBe(false);
  });

  it('takes back the service’s own undo entry when the service kept one (the toast keeps the window’s words)', async () => {
    const dispatcher = createDispatcher(allActions);
    const entry = { id: 41, kind: 'mark', description: 'Marked 2 messages as read (service).', accountIds: ['a'], messageCount: 2, createdAt: '' };
    const unread = { id: 1, seen: false } as ActionContext['selected'][number];
    const ctx = context({ selected: [unread], selectedCount: 2, selectedIds: [1, 2] });
    vi.mocked(ctx.api.markMessages).mockResolvedValue({ undo: entry } as never);
    dispatcher.handleKey('u', 'list', ctx);
    await vi.waitFor(() => expect(ctx.done).toHaveBeenCalled());
    const outcome = vi.mocked(ctx.done).mock.calls[0]![0];
    expect(outcome.message).toBe('Marked 2 messages as read.');
    expect(await outcome.undo!()).toBe('Undone.');
    expect(ctx.api.undo).toHaveBeenCalledWith({ id: 41 });
    // Not the window's own guess: the rows' earlier state was not all known, yet the service's entry undoes it.
    expect(ctx.api.markMessages).toHaveBeenCalledTimes(1);
  });

  it('adds the tag of a number key (1–9, the tag menu’s order), or takes it off when every message has it', async () => {
    const dispatcher = createDispatcher(allActions);
    const plain = { id: 1, flags: [] as string[] } as ActionContext['selected'][number];
    const tagged = { id: 2, flags: ['$Label2'] } as ActionContext['selected'][number];
    const ctx = context({ selected: [plain, tagged], selectedCount: 2, selectedIds: [1, 2] });
    expect(dispatcher.handleKey('2', 'list', ctx)).toBe(true);
    await vi.waitFor(() => expect(ctx.api.tagMessages).toHaveBeenCalledWith({ ids: [1, 2], add: ['$label2'] }));
    const all = context({ selected: [tagged], selectedCount: 1, selectedIds: [2] });
    dispatcher.handleKey('2', 'list', all);
    await vi.waitFor(() => expect(all.api.tagMessages).toHaveBeenCalledWith({ ids: [2], remove: ['$label2'] }));
    // A number with no tag behind it does nothing; typing a digit in a field stays typing.
    expect(dispatcher.handleKey('9', 'list', ctx)).toBe(false);
    expect(dispatcher.handleKey('1', 'text-field', ctx)).toBe(false);
  });
});
