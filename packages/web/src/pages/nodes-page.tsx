import { Link, useSearchParams } from 'react-router';
import type { EnvironmentSpec, NodeSpec } from '../api/types';
import { useProject } from '../app/use-project';
import { ENVIRONMENT_KIND, NODE_KIND, useResourceList } from '../app/use-resources';
import { Badge, Chip, EnvBadge } from '../components/badge';
import { EmptyRow, LoadingRow } from '../components/delayed';
import { ErrorNotice } from '../components/error-notice';
import { Icon } from '../components/icon';
import { PageHeader } from '../components/page-header';
import { SelectFilter } from '../components/select-filter';
import { plural } from '../lib/format';

export function NodesPage() {
  const project = useProject();
  const nodes = useResourceList<NodeSpec>(NODE_KIND, project);
  const envs = useResourceList<EnvironmentSpec>(ENVIRONMENT_KIND, project);
  // Filters live in the URL so a filtered view can be linked from elsewhere (environment node counts).
  const [params, setParams] = useSearchParams();
  const env = params.get('env') ?? '';
  const tag = params.get('tag') ?? '';
  const text = params.get('q') ?? '';

  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  const all = nodes.data ?? [];
  const envOrder = new Map((envs.data ?? []).map((e, i) => [e.metadata.name, i]));
  const colorOf = new Map((envs.data ?? []).map((e) => [e.metadata.name, e.spec.color]));
  const tags = [...new Set(all.flatMap((n) => n.spec.tags ?? []))].sort();
  const needle = text.toLowerCase();
  const shown = all
    .filter((n) => !env || n.spec.environment === env)
    .filter((n) => !tag || (n.spec.tags ?? []).includes(tag))
    .filter(
      (n) =>
        !needle ||
        n.metadata.name.includes(needle) ||
        n.spec.hostname.toLowerCase().includes(needle) ||
        (n.spec.description ?? '').toLowerCase().includes(needle),
    )
    .sort(
      (a, b) =>
        (envOrder.get(a.spec.environment) ?? 999) - (envOrder.get(b.spec.environment) ?? 999) ||
        a.metadata.name.localeCompare(b.metadata.name),
    );
  const base = `/p/${encodeURIComponent(project)}`;

  return (
    <>
      <PageHeader
        title="Nodes"
        subtitle="Hosts jobs run on, per environment."
        actions={
          <Link className="btn btn--primary" to={`${base}/resources/nodes/new`}>
            <Icon name="plus" size={14} /> New node
          </Link>
        }
      />
      <div className="filters">
        <SelectFilter
          label="Environment"
          value={env}
          onChange={(v) => setFilter('env', v)}
          options={(envs.data ?? []).map((e) => e.metadata.name)}
          all="all"
        />
        <SelectFilter
          label="Tag"
          value={tag}
          onChange={(v) => setFilter('tag', v)}
          options={tags}
          all="all"
        />
        <label className="field field--inline">
          <span>Search</span>
          <input
            type="search"
            placeholder="name, hostname…"
            value={text}
            onChange={(e) => setFilter('q', e.target.value)}
          />
        </label>
        <span className="filters__count muted small">
          {nodes.data ? `${plural(shown.length, 'node')} of ${all.length}` : ''}
        </span>
      </div>
      <ErrorNotice error={nodes.error} title="Cannot list nodes" />
      <div className="card">
        <table className="table" aria-label="Nodes">
          <thead>
            <tr>
              <th>Name</th>
              <th>Environment</th>
              <th>Hostname</th>
              <th>Executor</th>
              <th>Tags</th>
              <th>Attributes</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {nodes.loading && <LoadingRow colSpan={7} />}
            {!nodes.loading && shown.length === 0 && (
              <EmptyRow colSpan={7}>
                {all.length ? 'No node matches these filters.' : 'No nodes yet.'}
              </EmptyRow>
            )}
            {shown.map((node) => (
              <tr key={node.metadata.name}>
                <td>
                  <div className="strong">{node.metadata.name}</div>
                  {node.spec.description && <div className="muted small">{node.spec.description}</div>}
                </td>
                <td>
                  <EnvBadge name={node.spec.environment} color={colorOf.get(node.spec.environment)} />
                </td>
                <td className="mono">
                  {node.spec.username ? `${node.spec.username}@` : ''}
                  {node.spec.hostname}
                  {node.spec.port ? `:${node.spec.port}` : ''}
                </td>
                <td>
                  <Badge tone={node.spec.executor === 'ssh' ? 'info' : 'muted'}>{node.spec.executor}</Badge>
                </td>
                <td>
                  <div className="chips">
                    {(node.spec.tags ?? []).map((t) => (
                      <Chip key={t} active={t === tag} onClick={() => setFilter('tag', t === tag ? '' : t)}>
                        {t}
                      </Chip>
                    ))}
                  </div>
                </td>
                <td>
                  <div className="chips">
                    {Object.entries(node.spec.attributes ?? {}).map(([k, v]) => (
                      <span key={k} className="kv">
                        <span className="kv__key">{k}</span>
                        {v}
                      </span>
                    ))}
                  </div>
                </td>
                <td className="actions">
                  <Link
                    className="btn btn--ghost btn--small"
                    to={`${base}/resources/nodes/${node.metadata.name}`}
                  >
                    <Icon name="edit" size={13} /> YAML
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
