import type { FieldChange } from '../api/types';
import { formatValue } from '../lib/format';

/** Field-level diff as the server computes it: one row per path, old value struck, new value added. */
export function ChangeList({ changes, empty = 'No changes.' }: { changes: FieldChange[]; empty?: string }) {
  if (changes.length === 0) return <p className="muted small">{empty}</p>;
  return (
    <table className="diff">
      <tbody>
        {changes.map((c) => (
          <tr key={c.path}>
            <td className="diff__path">{c.path || '(whole)'}</td>
            <td className="diff__values">
              {c.before !== undefined && <div className="diff__before">− {formatValue(c.before)}</div>}
              {c.after !== undefined && <div className="diff__after">+ {formatValue(c.after)}</div>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
