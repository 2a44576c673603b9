import { Fragment, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { type AuditFilter, queryAudit } from '../api/audit';
import type { AuditEvent } from '../api/types';
import { useToast } from '../app/toast-context';
import { useKinds } from '../app/use-kinds';
import { ActionBadge, Badge } from '../components/badge';
import { ChangeList } from '../components/change-list';
import { EmptyRow, LoadingRow } from '../components/delayed';
import { ErrorNotice, isForbidden, NotAllowed } from '../components/error-notice';
import { LoadMore } from '../components/load-more';
import { PageHeader } from '../components/page-header';
import { RowExpander } from '../components/row-expander';
import { SelectFilter, SINCE_OPTIONS } from '../components/select-filter';
import { plural } from '../lib/format';
import { formatTime, relativeTime } from '../lib/time';
import { useDebounced } from '../lib/use-debounced';
import { useExpanded } from '../lib/use-expanded';
import { useQuery } from '../lib/use-query';

const PAGE_SIZE = 50;
const ACTIONS = ['create', 'update', 'delete', 'login', 'login-failed', 'token-create', 'token-revoke'];
// Records that are not resources but still show up in audit.
const EXTRA_KINDS = ['User', 'Token'];

function TextFilter({
  label,
  value,
  onChange,
  placeholder,
}: {
  label: string;
  value: string;
  onChange(value: string): void;
  placeholder?: string;
}) {
  const [text, setText] = useState(value);
  const debounced = useDebounced(text, 350);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only typing should push a new filter
  useEffect(() => {
    if (debounced !== value) onChange(debounced);
  }, [debounced]);
  useEffect(() => setText(value), [value]);
  return (
    <label className="field field--inline">
      <span>{label}</span>
      <input
        type="search"
        aria-label={`${label} filter`}
        placeholder={placeholder}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
    </label>
  );
}

export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const kinds = useKinds();
  const toast = useToast();
  const filter: AuditFilter = {
    kind: params.get('kind') ?? '',
    actor: params.get('actor') ?? '',
    action: params.get('action') ?? '',
    project: params.get('project') ?? '',
    name: params.get('name') ?? '',
    since: params.get('since') ?? '',
  };
  const key = `audit:${JSON.stringify(filter)}`;
  const first = useQuery(key, () => queryAudit({ ...filter, limit: PAGE_SIZE }));
  const [more, setMore] = useState<{ key: string; items: AuditEvent[]; nextBefore?: string | undefined }>();
  const [loadingMore, setLoadingMore] = useState(false);
  const rows = useExpanded();

  const extra = more?.key === key ? more : undefined;
  const items = [...(first.data?.items ?? []), ...(extra?.items ?? [])];
  const nextBefore = extra ? extra.nextBefore : first.data?.nextBefore;

  const setFilter = (name: keyof AuditFilter, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  const loadMore = async () => {
    if (!nextBefore) return;
    setLoadingMore(true);
    try {
      const page = await queryAudit({ ...filter, limit: PAGE_SIZE, before: nextBefore });
      setMore({ key, items: [...(extra?.items ?? []), ...page.items], nextBefore: page.nextBefore });
    } catch (error) {
      toast.error(error, 'Cannot load more events');
    } finally {
      setLoadingMore(false);
    }
  };

  if (isForbidden(first.error)) return <NotAllowed error={first.error} what="the audit log" />;
  // Modules add actions (run, approve, …): offer every action seen so far besides the known ones.
  const actions = [...new Set([...ACTIONS, ...items.map((e) => e.action)])];
  const kindNames = [...new Set([...(kinds.data ?? []).map((k) => k.kind), ...EXTRA_KINDS])].sort();

  return (
    <>
      <PageHeader
        title="Audit log"
        subtitle="Who changed what, when, from where. Newest first."
        actions={
          <button type="button" className="btn" onClick={() => void first.reload()}>
            Refresh
          </button>
        }
      />
      <div className="filters">
        <SelectFilter
          label="Kind"
          value={filter.kind}
          onChange={(v) => setFilter('kind', v)}
          options={kindNames}
          all="all"
        />
        <SelectFilter
          label="Action"
          value={filter.action}
          onChange={(v) => setFilter('action', v)}
          options={actions}
          all="all"
        />
        <TextFilter
          label="Actor"
          value={filter.actor ?? ''}
          onChange={(v) => setFilter('actor', v)}
          placeholder="admin"
        />
        <TextFilter label="Project" value={filter.project ?? ''} onChange={(v) => setFilter('project', v)} />
        <TextFilter label="Name" value={filter.name ?? ''} onChange={(v) => setFilter('name', v)} />
        <SelectFilter
          label="Since"
          value={filter.since}
          onChange={(v) => setFilter('since', v)}
          options={SINCE_OPTIONS}
        />
      </div>
      <ErrorNotice error={first.error} title="Cannot read the audit log" />
      <div className="card">
        <table className="table table--audit" aria-label="Audit events">
          <thead>
            <tr>
              <th className="toggle-col" />
              <th>Time</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Target</th>
              <th>Environment</th>
              <th>Source</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {first.loading && <LoadingRow colSpan={8} />}
            {!first.loading && items.length === 0 && (
              <EmptyRow colSpan={8}>No event matches these filters.</EmptyRow>
            )}
            {items.map((event) => {
              const expanded = rows.isOpen(event.id);
              const canExpand = event.changes.length > 0 || Boolean(event.message);
              return (
                <Fragment key={event.id}>
                  <tr
                    className={`row--link${expanded ? ' row--open' : ''}`}
                    data-testid="audit-row"
                    onClick={() => canExpand && rows.toggle(event.id)}
                  >
                    <td className="toggle-col">{canExpand && <RowExpander expanded={expanded} />}</td>
                    <td className="mono small nowrap" title={relativeTime(event.time)}>
                      {formatTime(event.time)}
                    </td>
                    <td>
                      {event.actor}
                      {event.actorType !== 'user' && (
                        <span className="muted small"> ({event.actorType})</span>
                      )}
                    </td>
                    <td>
                      <ActionBadge action={event.action} />
                    </td>
                    <td>
                      <span className="muted">{event.kind}</span>{' '}
                      <span className="strong">
                        {event.project ? `${event.project}/` : ''}
                        {event.name}
                      </span>
                    </td>
                    <td>{event.environment && <Badge>{event.environment}</Badge>}</td>
                    <td className="mono small muted">{event.sourceIp}</td>
                    <td className="muted small">
                      {event.message ?? (event.changes.length ? plural(event.changes.length, 'change') : '')}
                    </td>
                  </tr>
                  {expanded && (
                    <tr className="row--detail">
                      <td />
                      <td colSpan={7}>
                        {event.message && <p className="small">{event.message}</p>}
                        {event.changes.length > 0 && <ChangeList changes={event.changes} />}
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
      <LoadMore
        more={Boolean(nextBefore)}
        loading={loadingMore}
        onLoad={loadMore}
        count={items.length}
        noun="event"
      />
    </>
  );
}
