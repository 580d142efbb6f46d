import { describe, expect, it } from 'vitest';
import { emptySelection, extendTo, moveFocus, reconcile, selectAll, selectOnly, toggleOne } from '../../../renderer/mail/selection';

const order = [10, 20, 30, 40, 50];

describe('message list selection', () => {
  it('moves with j/k, clamps at the ends, and starts at the right end when nothing is focused', () => {
    expect(moveFocus(selectOnly(20), order, 1)).toEqual(selectOnly(30));
    expect(moveFocus(selectOnly(50), order, 1)).toEqual(selectOnly(50));
    expect(moveFocus(selectOnly(10), order, -1)).toEqual(selectOnly(10));
    expect(moveFocus(emptySelection, order, 1)).toEqual(selectOnly(10));
    expect(moveFocus(emptySelection, order, -1)).toEqual(selectOnly(50));
    expect(moveFocus(emptySelection, order, Infinity)).toEqual(selectOnly(50));
    expect(moveFocus(selectOnly(30), order, -Infinity)).toEqual(selectOnly(10));
    expect(moveFocus(selectOnly(30), [], 1)).toEqual(emptySelection);
  });

  it('extends from the anchor with Shift, toggles with Ctrl, selects all', () => {
    const extended = moveFocus(moveFocus(selectOnly(20), order, 1, true), order, 1, true);
    expect([...extended.ids]).toEqual([20, 30, 40]);
    expect(extended.focus).toBe(40);
    expect([...extendTo(selectOnly(40), order, 20).ids]).toEqual([20, 30, 40]);
    const toggled = toggleOne(selectOnly(20), 40);
    expect([...toggled.ids].sort()).toEqual([20, 40]);
    expect([...toggleOne(toggled, 20).ids]).toEqual([40]);
    expect(selectAll(order, selectOnly(30)).ids.size).toBe(5);
  });

  it('keeps the selection when new mail arrives and walks on when the focused message leaves', () => {
    const selection = selectOnly(30);
    expect(reconcile(selection, order, [5, ...order])).toBe(selection);
    // 30 deleted: the next message takes its place.
    expect(reconcile(selection, order, [10, 20, 40, 50])).toEqual({ ids: new Set([40]), focus: 40, anchor: 40 });
    // The last one deleted: the new last one.
    expect(reconcile(selectOnly(50), order, [10, 20, 30, 40])).toEqual({ ids: new Set([40]), focus: 40, anchor: 40 });
    // Several deleted at once (the selection): focus goes to the first survivor after the focus.
    const many = { ids: new Set([20, 30]), focus: 30, anchor: 20 };
    expect(reconcile(many, order, [10, 40, 50])).toEqual({ ids: new Set([40]), focus: 40, anchor: 40 });
    expect(reconcile(emptySelection, order, [])).toBe(emptySelection);
  });
});
