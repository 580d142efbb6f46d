import type { PaneSizes } from '../hooks/usePaneSizes';

/**
 * How the three panes share the window. The reader needs room for its toolbar and a readable line, the
 * list for a sender and a subject; below what all three need, the mailboxes fold away into a drawer, and
 * below what two need the list sits above the reader, the two sharing the height at a splitter the user
 * can move. Nothing is ever cut off sideways.
 */
export const READER_MIN = 420;
export const LIST_MIN = 280;
export const LIST_MAX = 720;
export const SIDEBAR_MIN = 180;
export const SIDEBAR_MAX = 420;
/**
 * Stacked (the list above the reader): the list pane's share of the height by default. Its search box,
 * heading and offline line take ~140 px and a row 74, so at 42% a 700-pixel window listed two messages
 * under a reader that was mostly empty; at 58% it lists about four and the reader keeps its toolbar,
 * header and the start of the message.
 */
export const STACKED_LIST_SHARE = 0.58;
/** Stacked: the list pane keeps its heading and at least two rows; the reader its toolbar and header. */
export const STACKED_LIST_MIN = 290;
export const STACKED_READER_MIN = 240;
/** The 1 px splitters between panes. */
const SPLITTER = 1;

export type PaneMode = 'three' | 'drawer' | 'stacked';

export interface PaneLayout {
  mode: PaneMode;
  /** Widths in effect (the remembered ones, fitted to the window). */
  sidebar: number;
  list: number;
  /** The range each splitter may move in at this window width. */
  sidebarRange: [number, number];
  listRange: [number, number];
  gridTemplateColumns: string;
  /** Stacked only: the list pane's height, the range its splitter moves in, and the grid's rows. */
  listHeight: number;
  listHeightRange: [number, number];
  gridTemplateRows: string;
}

const clamp = (value: number, min: number, max: number) => Math.round(Math.min(Math.max(value, min), Math.max(min, max)));

export function paneLayout(windowWidth: number, sizes: PaneSizes, windowHeight = 800): PaneLayout {
  const sidebar = clamp(sizes.sidebar, SIDEBAR_MIN, SIDEBAR_MAX);
  const fullHeight = { listHeight: windowHeight, listHeightRange: [windowHeight, windowHeight] as [number, number], gridTemplateRows: '100%' };
  if (windowWidth >= sidebar + LIST_MIN + READER_MIN + 2 * SPLITTER) {
    const listMax = Math.min(LIST_MAX, windowWidth - sidebar - READER_MIN - 2 * SPLITTER);
    const list = clamp(sizes.list, LIST_MIN, listMax);
    const sidebarMax = Math.min(SIDEBAR_MAX, windowWidth - list - READER_MIN - 2 * SPLITTER);
    return {
      mode: 'three',
      sidebar,
      list,
      sidebarRange: [SIDEBAR_MIN, Math.max(SIDEBAR_MIN, sidebarMax)],
      listRange: [LIST_MIN, Math.max(LIST_MIN, listMax)],
      gridTemplateColumns: `${sidebar}px ${SPLITTER}px ${list}px ${SPLITTER}px minmax(${READER_MIN}px, 1fr)`,
      ...fullHeight,
    };
  }
  if (windowWidth >= LIST_MIN + READER_MIN + SPLITTER) {
    const listMax = Math.min(LIST_MAX, windowWidth - READER_MIN - SPLITTER);
    const list = clamp(sizes.list, LIST_MIN, listMax);
    return {
      mode: 'drawer',
      sidebar,
      list,
      sidebarRange: [SIDEBAR_MIN, SIDEBAR_MAX],
      listRange: [LIST_MIN, Math.max(LIST_MIN, listMax)],
      gridTemplateColumns: `${list}px ${SPLITTER}px minmax(0, 1fr)`,
      ...fullHeight,
    };
  }
  // A window too low for both minimums splits what there is by the default share.
  const heightMax = Math.max(STACKED_LIST_MIN, windowHeight - STACKED_READER_MIN - SPLITTER);
  const wanted = sizes.listHeight ?? Math.round(windowHeight * STACKED_LIST_SHARE);
  const listHeight =
    windowHeight - SPLITTER < STACKED_LIST_MIN + STACKED_READER_MIN ? Math.round(windowHeight * STACKED_LIST_SHARE) : clamp(wanted, STACKED_LIST_MIN, heightMax);
  return {
    mode: 'stacked',
    sidebar,
    list: windowWidth,
    sidebarRange: [SIDEBAR_MIN, SIDEBAR_MAX],
    listRange: [LIST_MIN, LIST_MAX],
    gridTemplateColumns: 'minmax(0, 1fr)',
    listHeight,
    listHeightRange: [Math.min(STACKED_LIST_MIN, listHeight), Math.max(heightMax, listHeight)],
    gridTemplateRows: `${listHeight}px ${SPLITTER}px minmax(0, 1fr)`,
  };
}
