import { describe, expect, it } from 'vitest';
import { LIST_MIN, paneLayout, READER_MIN, STACKED_LIST_MIN, STACKED_READER_MIN } from '../../../renderer/mail/pane-layout';

const defaults = { sidebar: 232, list: 380 };

describe('how the panes share the window', () => {
  it('shows three panes when they fit, the reader never under its minimum', () => {
    for (const width of [1000, 1280, 1920]) {
      const layout = paneLayout(width, defaults);
      expect(layout.mode).toBe('three');
      expect(width - layout.sidebar - layout.list - 2).toBeGreaterThanOrEqual(READER_MIN);
    }
    expect(paneLayout(1280, defaults)).toMatchObject({ sidebar: 232, list: 380 });
  });

  it('folds the mailboxes into a drawer below what three panes need (900 and 800 wide)', () => {
    for (const width of [800, 900]) {
      const layout = paneLayout(width, defaults);
      expect(layout.mode).toBe('drawer');
      expect(layout.list).toBeGreaterThanOrEqual(LIST_MIN);
      expect(width - layout.list - 1).toBeGreaterThanOrEqual(READER_MIN);
    }
  });

  it('stacks the list above the reader when two panes do not fit, sharing the height at a splitter', () => {
    expect(paneLayout(600, defaults).mode).toBe('stacked');
    const small = paneLayout(640, defaults, 700);
    expect(small.listHeight).toBe(406);
    expect(small.gridTemplateRows).toBe('406px 1px minmax(0, 1fr)');
    expect(paneLayout(640, { ...defaults, listHeight: 10 }, 700).listHeight).toBe(STACKED_LIST_MIN);
    expect(paneLayout(640, { ...defaults, listHeight: 5000 }, 700).listHeight).toBe(700 - STACKED_READER_MIN - 1);
    // Too low for both minimums: the default share of what there is, and the splitter stays put.
    expect(paneLayout(640, { ...defaults, listHeight: 5000 }, 400).listHeight).toBe(232);
    // Side by side the panes take the whole height.
    expect(paneLayout(1280, defaults, 700).gridTemplateRows).toBe('100%');
  });

  it('fits remembered widths to the window and keeps the splitters inside sane bounds', () => {
    const wide = paneLayout(1200, { sidebar: 420, list: 720 });
    expect(wide.mode).toBe('three');
    expect(1200 - wide.sidebar - wide.list - 2).toBeGreaterThanOrEqual(READER_MIN);
    expect(wide.listRange[1]).toBe(wide.list);
    const tiny = paneLayout(1400, { sidebar: 10, list: 10 });
    expect(tiny).toMatchObject({ sidebar: 180, list: LIST_MIN });
    const huge = paneLayout(3000, { sidebar: 5000, list: 5000 });
    expect(huge).toMatchObject({ sidebar: 420, list: 720 });
  });
});
