import type { Account } from '../../shared/contract/accounts';
import type { Folder } from '../../shared/contract/messages';
import { type ActionContext, offeredActions } from '../actions/action';
import { accountActions, allActions, folderActions, junkActions, menuAnswerActions, messageActions } from '../actions/all-actions';
import type { Dispatcher } from '../actions/dispatcher';
import type { Question } from '../mail/question';
import { tagState } from '../mail/tag-choices';
import { tagColour } from '../mail/tag-colours';
import { actionItems, ContextMenu, type MenuItem } from './ContextMenu';
import { MovePicker } from './MovePicker';
import { QuestionDialog } from './QuestionDialog';
import { ShortcutHelp } from './ShortcutHelp';

/** The message list's context menu: answering first, then acting on the selection, then Junk / Not junk. */
const messageMenuActions = [...menuAnswerActions, ...messageActions, ...junkActions];

/**
 * What is open over the three panes. `aim`: the message a right click outside the selection opened the
 * menu on; the menu, and the move picker or tag menu it leads to, act on that message alone.
 */
export type Overlay =
  | null
  | { kind: 'shortcuts' }
  | { kind: 'move'; aim?: number }
  | { kind: 'menu'; x: number; y: number; aim?: number }
  | { kind: 'folder-menu'; x: number; y: number; folder: Folder }
  | { kind: 'account-menu'; x: number; y: number; account: Account }
  | { kind: 'tag-menu'; x: number; y: number; aim?: number }
  | { kind: 'question'; question: Question };

export interface ShellOverlaysProps {
  overlay: Overlay;
  onClose(): void;
  ctx: ActionContext;
  dispatcher: Dispatcher;
  accounts: Account[];
  folders: Folder[];
  /** Puts the focus back in the message list (after a message menu). */
  focusList(): void;
}

/** The shortcut overlay, the move picker, the menus and the questions; each runs actions through the dispatcher. */
export function ShellOverlays({ overlay, onClose, ctx, dispatcher, accounts, folders, focusList }: ShellOverlaysProps) {
  if (!overlay) return null;
  const backToList = () => {
    onClose();
    focusList();
  };
  switch (overlay.kind) {
    case 'question':
      return <QuestionDialog question={overlay.question} onClose={onClose} />;
    case 'shortcuts':
      return <ShortcutHelp actions={allActions} ctx={ctx} onClose={onClose} />;
    case 'move':
      return (
        <MovePicker
          accounts={accounts}
          folders={folders}
          fromAccounts={new Set(ctx.selected.map((m) => m.accountId))}
          fromFolders={new Set(ctx.selected.map((m) => m.folderId))}
          count={ctx.selectedCount}
          onClose={onClose}
          onMove={(folder) => {
            onClose();
            dispatcher.runNamed('move-to-folder', ctx, { folder });
          }}
        />
      );
    case 'menu': {
      const items = actionItems(offeredActions(messageMenuActions, ctx), ctx, (action) => {
        backToList();
        dispatcher.run(action, ctx);
      });
      return <ContextMenu label="Message actions" position={overlay} items={items} onClose={backToList} />;
    }
    case 'tag-menu': {
      const flags = ctx.selected.map((m) => m.flags);
      const items: MenuItem[] = ctx.tags.map((tag, i) => ({
        id: `tag:${tag.keyword}`,
        label: tag.name,
        swatch: tagColour(tag.keyword),
        ...(i < 9 ? { shortcut: String(i + 1) } : {}),
        enabled: ctx.selectedCount > 0,
        checked: tagState(flags, tag.keyword),
        run: () => {
          backToList();
          dispatcher.runNamed('toggle-tag', ctx, { tag });
        },
      }));
      const more = actionItems([allActions.find((a) => a.name === 'new-tag')!], ctx, (action) => {
        onClose();
        dispatcher.run(action, ctx);
      });
      return <ContextMenu label="Tags" position={overlay} items={[...items, ...more]} onClose={backToList} />;
    }
    case 'folder-menu': {
      const aimed = { ...ctx, target: { folder: overlay.folder } };
      const back = () => {
        onClose();
        document.getElementById(`tree-folder:${overlay.folder.id}`)?.focus();
      };
      const items = actionItems(offeredActions(folderActions, aimed), aimed, (action) => {
        back();
        dispatcher.run(action, aimed);
      });
      return <ContextMenu label="Folder actions" position={overlay} items={items} onClose={back} />;
    }
    case 'account-menu': {
      const aimed = { ...ctx, target: { account: overlay.account } };
      const back = () => {
        onClose();
        document.getElementById(`tree-account:${overlay.account.id}`)?.focus();
      };
      const items = actionItems(offeredActions(accountActions, aimed), aimed, (action) => {
        back();
        dispatcher.run(action, aimed);
      });
      return <ContextMenu label="Account actions" position={overlay} items={items} onClose={back} />;
    }
  }
}
