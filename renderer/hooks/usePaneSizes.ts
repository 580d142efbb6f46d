import { useCallback, useState } from 'react';

export interface PaneSizes {
  sidebar: number;
  list: number;
  /** The list pane's height when it sits above the reader (a narrow window); null: the default share. */
  listHeight?: number | null;
}

const KEY = 'homing.paneSizes';
const defaults: PaneSizes = { sidebar: 232, list: 380, listHeight: null };

function load(): PaneSizes {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<PaneSizes> | null;
    return {
      sidebar: typeof saved?.sidebar === 'number' ? saved.sidebar : defaults.sidebar,
      list: typeof saved?.list === 'number' ? saved.list : defaults.list,
      listHeight: typeof saved?.listHeight === 'number' ? saved.listHeight : null,
    };
  } catch {
    return defaults;
  }
}

/** Pane widths, remembered on this computer (localStorage of the app's own origin). */
export function usePaneSizes(): [PaneSizes, (change: Partial<PaneSizes>) => void] {
  const [sizes, setSizes] = useState(load);
  const update = useCallback((change: Partial<PaneSizes>) => {
    setSizes((current) => {
      const next = { ...current, ...change };
      try {
        localStorage.setItem(KEY, JSON.stringify(next));
      } catch {
        // Storage full or disabled: sizes just are not remembered.
      }
      return next;
    });
  }, []);
  return [sizes, update];
}
