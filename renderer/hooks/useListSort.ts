import { useCallback, useState } from 'react';
import type { MessageSort } from '../../shared/contract/messages';
import { parseSort } from '../mail/sort-choices';

const KEY = 'homing.sort';

function stored(): MessageSort {
  try {
    return parseSort(localStorage.getItem(KEY));
  } catch {
    return parseSort(null); // Storage disabled: the default order.
  }
}

/** The message list's order, the same for every folder and remembered on this computer. */
export function useListSort(): [MessageSort, (sort: MessageSort) => void] {
  const [sort, setSort] = useState(stored);
  const choose = useCallback((next: MessageSort) => {
    setSort(next);
    try {
      localStorage.setItem(KEY, next);
    } catch {
      // Not remembered; it still applies to this window.
    }
  }, []);
  return [sort, choose];
}
