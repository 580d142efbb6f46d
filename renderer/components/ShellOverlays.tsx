import type { RefObject } from 'react';
import type { Account } from '../../shared/contract/accounts';
import type { Folder } from '../../shared/contract/messages';
import { type ActionContext, offeredActions } from '../actions/action';
import { allActions, answerActions, folderActions, messageActions } from '../actions/all-actions';
import type { Dispatcher } from '../actions/dispatcher';
import { ContextMenu } from './ContextMenu';
import { MovePicker } from './MovePicker';
import { ShortcutHelp } from './ShortcutHelp';

/** The message list's context menu: answering first, then acting on the selection. */
const messageMenuActions = [...answerActions, ...messageActions];

/** What is open over the three panes. */
export type Overlay =
  | null
  | { kind: 'shortcuts' }
  | { kind: 'move' }
  | { kind: 'menu'; x: number; y: number }
  | { kind: 'folder-menu'; x: number; y: number; folder: Folder };

export interface ShellOverlaysProps {
  overlay: Overlay;
  onClose(): void;
  ctx: ActionContext;
  dispatcher: Dispatcher;
  accounts: Account[];
  folders: Folder[];
  /** Where the focus goes back to after a message menu. */
  listRef: RefObject<HTMLElement | null>;
}

/** The shortcut overlay, the move picker and the context menus; each runs actions through the dispatcher. */
export function ShellOverlays({ overlay, onClose, ctx, dispatcher, accounts, folders, listRef }: ShellOverlaysProps) {
  if (!overlay) return null;
  switch (overlay.kind) {
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
      const back = () => {
        onClose();
        listRef.current?.focus();
      };
      return (
        <ContextMenu
          label="Message actions"
          position={overlay}
          actions={offeredActions(messageMenuActions, ctx)}
          ctx={ctx}
          onClose={back}
          onRun={(action) => {
            back();
            dispatcher.run(action, ctx);
          }}
        />
      );
    }
    case 'folder-menu': {
      const aimed = { ...ctx, target: { folder: overlay.folder } };
      const back = () => {
        onClose();
        document.getElementById(`tree-folder:${overlay.folder.id}`)?.focus();
      };
      return (
        <ContextMenu
          label="Folder actions"
          position={overlay}
          actions={offeredActions(folderActions, aimed)}
          ctx={aimed}
          onClose={back}
          onRun={(action) => {
            back();
            dispatcher.run(action, aimed);
          }}
        />
      );
    }
  }
}
