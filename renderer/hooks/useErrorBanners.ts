import { useCallback, useState } from 'react';
import { describeError, type ErrorWords } from '../mail/error-words';

export interface Banner extends ErrorWords {
  key: string;
  count: number;
}

/** Errors from actions, in words, one banner per distinct error (repeats are counted, not stacked). */
export function useErrorBanners() {
  const [banners, setBanners] = useState<Banner[]>([]);
  const report = useCallback((error: unknown) => {
    const words = describeError(error);
    const key = `${words.code}:${words.detail ?? ''}`;
    setBanners((list) => {
      const existing = list.find((b) => b.key === key);
      if (existing) return list.map((b) => (b.key === key ? { ...b, count: b.count + 1 } : b));
      return [...list.slice(-3), { ...words, key, count: 1 }];
    });
  }, []);
  const dismiss = useCallback((key: string) => setBanners((list) => list.filter((b) => b.key !== key)), []);
  return { banners, report, dismiss };
}
