import { type ReactNode, useEffect, useState } from 'react';

/**
 * Shows its children only after `ms`: most answers come back sooner, and a spinner that flashes
 * for 50 ms makes a fast console feel slow.
 */
export function Delayed({ ms = 250, children }: { ms?: number; children: ReactNode }) {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setShown(true), ms);
    return () => clearTimeout(timer);
  }, [ms]);
  return shown ? children : null;
}

export function LoadingRow({ colSpan, label = 'Loading…' }: { colSpan: number; label?: string }) {
  return (
    <tr className="row--placeholder">
      <td colSpan={colSpan}>
        <Delayed>
          <span className="spinner" /> {label}
        </Delayed>
      </td>
    </tr>
  );
}

export function EmptyRow({ colSpan, children }: { colSpan: number; children: ReactNode }) {
  return (
    <tr className="row--placeholder">
      <td colSpan={colSpan}>{children}</td>
    </tr>
  );
}
