import { useEffect, useMemo } from 'react';
import { type SearchTyping, searchTyping } from '../mail/search-typing';

/** mail/search-typing.ts for a component (pass stable callbacks); a pending search ends with it. */
export function useSearchAsYouType(onSearch: (query: string) => void, onClear: () => void): SearchTyping {
  const typing = useMemo(() => searchTyping(onSearch, onClear), [onSearch, onClear]);
  useEffect(() => typing.cancel, [typing]);
  return typing;
}
