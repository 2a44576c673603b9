import { useState } from 'react';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import { deleteResource } from '../api/resources';
import type { KindInfo, Resource } from '../api/types';
import { useToast } from '../app/toast-context';
import { findKind, useKinds } from '../app/use-kinds';
import { useProject } from '../app/use-project';
import { invalidateResources, useResourceList } from '../app/use-resources';
import { Badge, Chip } from '../components/badge';
import { ConfirmDialog } from '../components/confirm-dialog';
import { EmptyRow, LoadingRow } from '../components/delayed';
import { ErrorNotice, isForbidden, NotAllowed } from '../components/error-notice';
import { Icon } from '../components/icon';
import { PageHeader } from '../components/page-header';
import { relativeTime } from '../lib/time';

/** Path of the editor for one resource; cluster-wide items of a "both" kind say so in the query. */
export function editorPath(project: string, kind: KindInfo, resource?: Resource): string {
  const base = `/p/${encodeURIComponent(project)}/resources/${kind.plural}`;
  if (!resource) return `${base}/new`;
  const cluster = kind.scope === 'both' && !resource.metadata.project ? '?cluster=1' : '';
  return `${base}/${encodeURIComponent(resource.metadata.name)}${cluster}`;
}

function summaryOf(resource: Resource): string {
  const spec = resource.spec ?? {};
  for (const key of ['description', 'displayName', 'hostname']) {
    const value = spec[key];
    if (typeof value === 'string' && value) return value;
  }
  return '';
}

export function ResourcesPage() {
  const project = useProject();
  const { kind: kindParam } = useParams();
  const kinds = useKinds();
  const kind = findKind(kinds.data, kindParam);

  if (!kindParam && kinds.data?.[0]) {
    const first = kinds.data.find((k) => k.scope !== 'cluster') ?? kinds.data[0];
    return <Navigate to={`/p/${encodeURIComponent(project)}/resources/${first.plural}`} replace />;
  }

  return (
    <>
      <PageHeader
        title="Resources"
        subtitle="Everything pont manages, as declarative YAML: view, edit, apply, delete."
        actions={
          kind && (
            <Link className="btn btn--primary" to={editorPath(project, kind)}>
              <Icon name="plus" size={14} /> New {kind.kind}
            </Link>
          )
        }
      />
      <ErrorNotice error={kinds.error} title="Cannot list kinds" />
      <div className="split">
        <nav className="card kind-list" aria-label="Kinds">
          {(kinds.data ?? []).map((k) => (
            <Link
              key={k.kind}
              to={`/p/${encodeURIComponent(project)}/resources/${k.plural}`}
              className={`kind-list__item${k === kind ? ' kind-list__item--active' : ''}`}
              title={k.description}
            >
              <span>{k.kind}</span>
              <span className="muted small">
                {k.scope === 'cluster' ? 'cluster' : k.scope === 'both' ? 'both' : ''}
              </span>
            </Link>
          ))}
        </nav>
        <div className="split__main">
          {kind && <p className="muted small kind-description">{kind.description}</p>}
          {kind && <ResourceTable kind={kind} project={project} />}
          {kinds.data && kindParam && !kind && (
            <ErrorNotice error={new Error(`unknown kind "${kindParam}"`)} title="Unknown kind" />
          )}
        </div>
      </div>
    </>
  );
}

function ResourceTable({ kind, project }: { kind: KindInfo; project: string }) {
  const list = useResourceList(kind, project);
  const toast = useToast();
  const navigate = useNavigate();
  const [deleting, setDeleting] = useState<Resource>();
  const showProject = kind.scope !== 'project';
  const isSecret = kind.kind === 'Secret';
  const columns = 5 + (showProject ? 1 : 0) + (isSecret ? 1 : 0);

  if (isForbidden(list.error)) return <NotAllowed error={list.error} what={`${kind.plural} here`} />;

  return (
    <>
      <ErrorNotice error={list.error} title={`Cannot list ${kind.plural}`} />
      <div className="card">
        <table className="table" aria-label={kind.plural}>
          <thead>
            <tr>
              <th>Name</th>
              {showProject && <th>Project</th>}
              <th>Summary</th>
              {isSecret && <th>Keys (values are write-only)</th>}
              <th>Labels</th>
              <th className="num">Version</th>
              <th>Updated</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.loading && <LoadingRow colSpan={columns + 1} />}
            {!list.loading && list.data?.length === 0 && (
              <EmptyRow colSpan={columns + 1}>
                No {kind.plural} yet. <Link to={editorPath(project, kind)}>Create one</Link>.
              </EmptyRow>
            )}
            {(list.data ?? []).map((r) => (
              <tr
                key={`${r.metadata.project ?? ''}/${r.metadata.name}`}
                className="row--link"
                onClick={(e) => {
                  if ((e.target as HTMLElement).closest('a,button')) return;
                  navigate(editorPath(project, kind, r));
                }}
              >
                <td>
                  <Link className="strong" to={editorPath(project, kind, r)}>
                    {r.metadata.name}
                  </Link>
                </td>
                {showProject && <td>{r.metadata.project ?? <Badge>cluster-wide</Badge>}</td>}
                <td className="muted">{summaryOf(r)}</td>
                {isSecret && (
                  <td>
                    <div className="chips">
                      {((r.status?.keys as string[] | undefined) ?? []).map((k) => (
                        <Chip key={k}>
                          <Icon name="key" size={11} /> {k}
                        </Chip>
                      ))}
                    </div>
                  </td>
                )}
                <td>
                  <div className="chips">
                    {Object.entries(r.metadata.labels ?? {}).map(([k, v]) => (
                      <span key={k} className="kv">
                        <span className="kv__key">{k}</span>
                        {v}
                      </span>
                    ))}
                  </div>
                </td>
                <td className="num mono muted">{r.metadata.resourceVersion}</td>
                <td className="muted small" title={r.metadata.updatedAt}>
                  {relativeTime(r.metadata.updatedAt)}
                </td>
                <td className="actions">
                  <button
                    type="button"
                    className="btn btn--ghost btn--small btn--danger-text"
                    aria-label={`Delete ${r.metadata.name}`}
                    onClick={() => setDeleting(r)}
                  >
                    <Icon name="trash" size={13} />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {deleting && (
        <ConfirmDialog
          title={`Delete ${kind.kind} ${deleting.metadata.name}?`}
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await deleteResource(kind, deleting.metadata.project, deleting.metadata.name);
            toast.success(`${kind.kind} ${deleting.metadata.name} deleted`);
            invalidateResources(project);
          }}
        >
          This removes <strong>{deleting.metadata.name}</strong>
          {deleting.metadata.project ? ` from project ${deleting.metadata.project}` : ''}. The audit log keeps
          a record of it.
        </ConfirmDialog>
      )}
    </>
  );
}
