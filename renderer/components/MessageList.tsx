import { useVirtualizer } from '@tanstack/react-virtual';
import { type DragEvent, type KeyboardEvent, type MouseEvent, type RefObject, useCallback, useEffect, useLayoutEffect, useRef } from 'react';
import type { SearchHighlight } from '../../shared/contract/messages';
import { startMessageDrag } from '../mail/message-drag';
import type { RowStore } from '../mail/row-store';
import { extendTo, type Selection, selectOnly, toggleOne } from '../mail/selection';
import { MessageRow, ROW_HEIGHT } from './MessageRow';

export interface MessageListProps {
  /** The listbox element (it scrolls, and takes the focus). */
  listRef: RefObject<HTMLDivElement | null>;
  store: RowStore;
  /** Changes whenever the store does (the list re-renders on it). */
  version: number;
  selection: Selection;
  onSelectionChange(selection: Selection): void;
  /** Double click: open the message's conversation. */
  onOpen(id: number): void;
  /**
   * A context menu at a point: for the selection, or (`aim`) for a row outside it, which a right click
   * neither selects nor opens (so an unread message stays unread), as in Thunderbird.
   */
  onContextMenu(position: { x: number; y: number }, aim?: number): void;
  /** The element that says why the list is empty, when it is. */
  describedBy?: string | undefined;
  /** The row a menu is open for while it is not selected: outlined, so the user sees what the menu acts on. */
  menuTarget?: number | null;
  label: string;
  /** Search results and the unified inbox say which folder each row is in. */
  showFolder: boolean;
  highlights: ReadonlyMap<number, readonly SearchHighlight[]> | null;
  folderLabel(folderId: number): string;
  /** Sent or Drafts: the row names the recipients ("To: …") instead of the sender, who is the user. */
  outgoingFolder?(folderId: number): boolean;
}

export const rowDomId = (id: number) => `message-row-${id}`;

/**
 * The message list: a listbox of fixed-height rows, virtualised (@tanstack/react-virtual), so 100,000
 * messages mount only the rows on screen. The listbox keeps DOM focus and points at the focused row with
 * aria-activedescendant; keys reach it through the action dispatcher (data-keyscope="list").
 */
export function MessageList(props: MessageListProps) {
  const { store, selection } = props;
  const scrollRef = props.listRef;
  const ids = store.ids;

  // The React Compiler cannot memoise around TanStack Virtual; this app does not use the compiler.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    getItemKey: (index) => ids[index] ?? index,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.length ? items[items.length - 1]!.index + 1 : 0;

  // Fetch the rows on screen (and the overscan) whenever the visible range or the ids change.
  useEffect(() => {
    store.show(first, last);
  }, [store, first, last, ids]);

  // New mail above the viewport must not push what the user is reading down: keep the top row in place.
  const previousIds = useRef(ids);
  useLayoutEffect(() => {
    const before = previousIds.current;
    previousIds.current = ids;
    const element = scrollRef.current;
    if (!element || before === ids || element.scrollTop <= 0 || before.length === 0) return;
    const topIndex = Math.floor(element.scrollTop / ROW_HEIGHT);
    const offset = element.scrollTop - topIndex * ROW_HEIGHT;
    const anchor = before[topIndex];
    const moved = anchor === undefined ? -1 : ids.indexOf(anchor);
    if (moved >= 0 && moved !== topIndex) element.scrollTop = moved * ROW_HEIGHT + offset;
  }, [ids, scrollRef]);

  // Keep the focused row on screen when the focus moves to another message (keyboard navigation). Not
  // when the same message merely shifts because mail arrived: the anchoring above owns that case, and the
  // virtualizer's idea of the scroll offset is a frame behind it.
  const focusIndex = selection.focus === null ? -1 : store.indexOf(selection.focus);
  const scrolledTo = useRef<number | null>(null);
  useEffect(() => {
    if (focusIndex < 0 || scrolledTo.current === selection.focus) return;
    scrolledTo.current = selection.focus;
    virtualizer.scrollToIndex(focusIndex, { align: 'auto' });
  }, [selection.focus, focusIndex, virtualizer]);

  // Row handlers stay the same functions across renders (rows are memoised; a new handler would redraw
  // every row on every change). They read the current selection and props through a ref.
  const latest = useRef({ selection, ids, props });
  useLayoutEffect(() => {
    latest.current = { selection, ids, props };
  });
  const click = useCallback((event: MouseEvent, id: number) => {
    const { selection: current, ids: order, props: p } = latest.current;
    if (event.shiftKey) p.onSelectionChange(extendTo(current, order, id));
    else if (event.metaKey || event.ctrlKey) p.onSelectionChange(toggleOne(current, id));
    else p.onSelectionChange(selectOnly(id));
  }, []);
  const contextMenu = useCallback((event: MouseEvent, id: number) => {
    event.preventDefault();
    const { selection: current, props: p } = latest.current;
    // Selecting the row would open it in the reader and mark it read: a right click only points at it.
    if (current.ids.has(id)) p.onContextMenu({ x: event.clientX, y: event.clientY });
    else p.onContextMenu({ x: event.clientX, y: event.clientY }, id);
  }, []);
  const open = useCallback((id: number) => latest.current.props.onOpen(id), []);
  const dragStart = useCallback((event: DragEvent, id: number) => {
    const { selection: current, props: p } = latest.current;
    const dragged = current.ids.has(id) ? current : selectOnly(id);
    if (dragged !== current) p.onSelectionChange(dragged);
    startMessageDrag(event.dataTransfer, [...dragged.ids], p.store.get(id)?.subject ?? '');
  }, []);

  const keyDown = (event: KeyboardEvent) => {
    // The menu key and Shift+F10 open the context menu at the focused row.
    if (event.key === 'ContextMenu' || (event.shiftKey && event.key === 'F10')) {
      event.preventDefault();
      const row = selection.focus === null ? null : document.getElementById(rowDomId(selection.focus));
      const box = (row ?? scrollRef.current)?.getBoundingClientRect();
      if (box) props.onContextMenu({ x: box.left + 40, y: box.top + Math.min(box.height, ROW_HEIGHT) });
    }
  };

  const activeDescendant = selection.focus !== null && focusIndex >= 0 ? rowDomId(selection.focus) : undefined;

  return (
    <div
      ref={scrollRef}
      className="message-list"
      role="listbox"
      aria-label={props.label}
      aria-multiselectable="true"
      aria-activedescendant={activeDescendant}
      aria-describedby={props.describedBy}
      aria-busy={store.state === 'loading'}
      tabIndex={0}
      data-keyscope="list"
      data-testid="message-list"
      onKeyDown={keyDown}
    >
      <div className="message-list-sizer" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const id = ids[item.index]!;
          return (
            <MessageRow
              key={item.key}
              id={id}
              domId={rowDomId(id)}
              summary={store.get(id)}
              top={item.start}
              index={item.index}
              count={ids.length}
              selected={selection.ids.has(id)}
              focused={selection.focus === id}
              menuTarget={props.menuTarget === id}
              showFolder={props.showFolder}
              folderLabel={props.folderLabel}
              outgoingFolder={props.outgoingFolder}
              highlights={props.highlights?.get(id) ?? null}
              onClick={click}
              onDoubleClick={open}
              onContextMenu={contextMenu}
              onDragStart={dragStart}
            />
          );
        })}
      </div>
    </div>
  );
}
