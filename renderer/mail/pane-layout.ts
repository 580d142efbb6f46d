import type { PaneSizes } from '../hooks/usePaneSizes';

/**
 * How the three panes share the window. The reader needs room for its toolbar and a readable line, the
 * list for a sender and a subject; below what all three need, the mailboxes fold away into a drawer, and
 * below what two need the list sits above the reader. Nothing is ever cut off sideways.
 */
export const READER_MIN = 420;
export const LIST_MIN = 280;
export const LIST_MAX = 720;
export const SIDEBAR_MIN = 180;
export const SIDEBAR_MAX = 420;
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
}

const clamp = (value: number, min: number, max: number) => Math.round(Math.min(Math.max(value, min), Math.max(min, max)));

export function paneLayout(windowWidth: number, sizes: PaneSizes): PaneLayout {
  const sidebar = clamp(sizes.sidebar, SIDEBAR_MIN, SIDEBAR_MAX);
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
    };
  }
  return {
    mode: 'stacked',
    sidebar,
    list: windowWidth,
    sidebarRange: [SIDEBAR_MIN, SIDEBAR_MAX],
    listRange: [LIST_MIN, LIST_MAX],
    gridTemplateColumns: 'minmax(0, 1fr)',
  };
}
