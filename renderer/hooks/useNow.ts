import { useEffect, useState } from 'react';

/**
 * The current time, renewed every `intervalMs` while the component is shown: relative times ("checked 3
 * minutes ago", "retrying in 40 seconds") advance on their own instead of freezing at their first value.
 */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
