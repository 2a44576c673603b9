import { Fragment, useState } from 'react';
import { getHistory } from '../../api/flags';
import type { AuditEvent } from '../../api/types';
import { ActionBadge, EnvBadge } from '../../components/badge';
import { EmptyRow, LoadingRow } from '../../components/delayed';
import { ErrorNotice } from '../../components/error-notice';
import { LoadMore } from '../../components/load-more';
import { RowExpander } from '../../components/row-expander';
import { formatTime, relativeTime } from '../../lib/time';
import { useExpanded } from '../../lib/use-expanded';
import { useQuery } from '../../lib/use-query';
import { FlagDiff } from './common';

const PAGE = 50;

/** The flag's audit trail, newest first: every change with its field diff, requests and decisions. */
export function HistoryCard({
  project,
  flag,
  colors,
}: {
  project: string;
  flag: string;
  colors: Map<string, string | undefined>;
}) {
  const first = useQuery(`flags:${project}:history:${flag}`, () =>
    getHistory(project, flag, { limit: PAGE }),
  );
  const [more, setMore] = useState<{ items: AuditEvent[]; nextBefore?: string | undefined }>();
  const [loadingMore, setLoadingMore] = useState(false);
  const rows = useExpanded();
  const items = [...(first.data?.items ?? []), ...(more?.items ?? [])];
  const nextBefore = more ? more.nextBefore : first.data?.nextBefore;

  const loadMore = async () => {
    if (!nextBefore) return;
    setLoadingMore(true);
    try {
      const page = await getHistory(project, flag, { before: nextBefore, limit: PAGE });
      setMore({ items: [...(more?.items ?? []), ...page.items], nextBefore: page.nextBefore });
    } finally {
      setLoadingMore(false);
    }
  };
  return (
    <section className="card flag-history" aria-label="History">
      <ErrorNotice error={first.error} title="Cannot read the history" />
      <table className="table" aria-label="Flag history">
        <thead>
          <tr>
            <th className="toggle-col" />
            <th>When</th>
            <th>Who</th>
            <th>What</th>
            <th>Environment</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {first.loading && <LoadingRow colSpan={6} />}
          {!first.loading && items.length === 0 && <EmptyRow colSpan={6}>No change recorded yet.</EmptyRow>}
          {items.map((event) => {
            const expanded = rows.isOpen(event.id);
            const canExpand = event.changes.length > 0;
            return (
              <Fragment key={event.id}>
                <tr
                  className={`${canExpand ? 'row--link' : ''}${expanded ? ' row--open' : ''}`}
                  data-testid="history-row"
                  onClick={() => canExpand && rows.toggle(event.id)}
                >
                  <td className="toggle-col">{canExpand && <RowExpander expanded={expanded} />}</td>
                  <td className="small nowrap" title={formatTime(event.time)}>
                    {relativeTime(event.time)}
                  </td>
                  <td>
                    {event.actor}
                    {event.actorType !== 'user' && <span className="muted small"> ({event.actorType})</span>}
                  </td>
                  <td>
                    <ActionBadge action={event.action} />
                  </td>
                  <td>
                    {event.environment && (
                      <EnvBadge name={event.environment} color={colors.get(event.environment)} />
                    )}
                  </td>
                  <td className="small">
                    {event.message ?? <ChangedPaths paths={event.changes.map((c) => c.path)} />}
                  </td>
                </tr>
                {expanded && (
                  <tr className="row--detail">
                    <td />
                    <td colSpan={5}>
                      <FlagDiff changes={event.changes} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      <LoadMore
        more={Boolean(nextBefore)}
        loading={loadingMore}
        onLoad={loadMore}
        count={items.length}
        noun="event"
      />
    </section>
  );
}

/** "prod.enabled, test.strategies[0]…" rather than a count: what changed at a glance. */
function ChangedPaths({ paths }: { paths: string[] }) {
  if (paths.length === 0) return null;
  const short = paths.map((p) => p.replace(/^spec\.environments\./, '').replace(/^spec\./, ''));
  const shown = short.slice(0, 3).join(', ');
  return (
    <span className="mono muted" title={short.join('\n')}>
      {shown}
      {short.length > 3 ? ` +${short.length - 3}` : ''}
    </span>
  );
}
