import { useEffect, useRef, useState } from 'react';

/**
 * Calls `callback` every `ms` while `active`, skipping ticks while the tab is hidden (many
 * console tabs stay open all day; they should not poll the server for nobody).
 */
export function useInterval(callback: () => void, ms: number, active = true): void {
  const ref = useRef(callback);
  ref.current = callback;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (document.visibilityState !== 'hidden') ref.current();
    }, ms);
    const onVisible = () => {
      if (document.visibilityState === 'visible') ref.current();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [ms, active]);
}

/** The current time, refreshed every `ms` while `active`: for running clocks ("running 12 s"). */
export function useNow(ms: number, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useInterval(() => setNow(Date.now()), ms, active);
  return active ? Date.now() : now;
}
