import { plural } from '../lib/format';

/** The foot of a paged list: a "Load more" button while older items remain, else how many there are. */
export function LoadMore({
  more,
  loading,
  onLoad,
  count,
  noun,
}: {
  more: boolean;
  loading: boolean;
  onLoad(): void;
  count: number;
  noun: string;
}) {
  return (
    <div className="load-more">
      {more ? (
        <button type="button" className="btn" disabled={loading} onClick={onLoad}>
          {loading ? 'Loading…' : 'Load more'}
        </button>
      ) : (
        count > 0 && <span className="muted small">{plural(count, noun)}, no more.</span>
      )}
    </div>
  );
}
