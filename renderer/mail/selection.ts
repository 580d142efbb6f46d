/** Which messages of a list are selected, which one has focus (the reader shows it), and the range anchor. */
export interface Selection {
  readonly ids: ReadonlySet<number>;
  readonly focus: number | null;
  readonly anchor: number | null;
}

export const emptySelection: Selection = { ids: new Set(), focus: null, anchor: null };

export function selectOnly(id: number): Selection {
  return { ids: new Set([id]), focus: id, anchor: id };
}

/** Ctrl/Cmd-click: add or remove one row, keep the others. */
export function toggleOne(selection: Selection, id: number): Selection {
  const ids = new Set(selection.ids);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { ids, focus: id, anchor: id };
}

/** Shift-click or Shift+arrow: everything between the anchor and `id`. */
export function extendTo(selection: Selection, order: readonly number[], id: number): Selection {
  const anchor = selection.anchor ?? id;
  const a = order.indexOf(anchor);
  const b = order.indexOf(id);
  if (a < 0 || b < 0) return selectOnly(id);
  const [from, to] = a <= b ? [a, b] : [b, a];
  return { ids: new Set(order.slice(from, to + 1)), focus: id, anchor };
}

/** j/k or arrows: the next or previous row (`delta` rows away), optionally extending the selection. */
export function moveFocus(selection: Selection, order: readonly number[], delta: number, extend = false): Selection {
  if (order.length === 0) return emptySelection;
  const at = selection.focus === null ? -1 : order.indexOf(selection.focus);
  // With nothing focused, moving down starts above the first row and moving up below the last.
  const from = at >= 0 ? at : delta > 0 ? -1 : order.length;
  const next = Math.min(order.length - 1, Math.max(0, from + delta));
  const id = order[next]!;
  return extend ? extendTo(selection, order, id) : selectOnly(id);
}

export function selectAll(order: readonly number[], selection: Selection): Selection {
  return { ids: new Set(order), focus: selection.focus ?? order[0] ?? null, anchor: selection.anchor };
}

/**
 * After the list changed (new mail, a message moved away): keep what is still there. When the focused
 * message left, focus moves to whatever now sits at its old position, so deleting walks down the list.
 */
export function reconcile(selection: Selection, before: readonly number[], after: readonly number[]): Selection {
  if (selection.ids.size === 0 && selection.focus === null) return selection;
  const present = new Set(after);
  const ids = new Set([...selection.ids].filter((id) => present.has(id)));
  let focus = selection.focus;
  if (focus !== null && !present.has(focus)) {
    const old = before.indexOf(focus);
    // Walk forward from the old position to the first survivor, else the last row.
    let replacement: number | null = null;
    for (let i = old + 1; old >= 0 && i < before.length; i++) {
      if (present.has(before[i]!)) {
        replacement = before[i]!;
        break;
      }
    }
    focus = replacement ?? after[after.length - 1] ?? null;
    if (ids.size === 0 && focus !== null) ids.add(focus);
  }
  const anchor = selection.anchor !== null && present.has(selection.anchor) ? selection.anchor : focus;
  if (ids.size === selection.ids.size && focus === selection.focus && anchor === selection.anchor) return selection;
  return { ids, focus, anchor };
}
