import { Fragment, useState } from 'react';
import { Link } from 'react-router';
import type { EnvironmentSpec, NodeSpec } from '../api/types';
import { useToast } from '../app/toast-context';
import { useProject } from '../app/use-project';
import { ENVIRONMENT_KIND, invalidateResources, NODE_KIND, useResourceList } from '../app/use-resources';
import { Badge, EnvBadge } from '../components/badge';
import { EmptyRow, LoadingRow } from '../components/delayed';
import { ErrorNotice } from '../components/error-notice';
import { Icon } from '../components/icon';
import { PageHeader } from '../components/page-header';
import { relativeTime } from '../lib/time';
import { EnvironmentForm } from './environment-form';

export function EnvironmentsPage() {
  const project = useProject();
  const toast = useToast();
  const envs = useResourceList<EnvironmentSpec>(ENVIRONMENT_KIND, project);
  const nodes = useResourceList<NodeSpec>(NODE_KIND, project);
  const [creating, setCreating] = useState(false);

  const nodeCount = new Map<string, number>();
  for (const node of nodes.data ?? []) {
    nodeCount.set(node.spec.environment, (nodeCount.get(node.spec.environment) ?? 0) + 1);
  }
  const list = envs.data ?? [];
  const nextOrder = list.reduce((max, e) => Math.max(max, (e.spec.order ?? 0) + 1), 0);
  const base = `/p/${encodeURIComponent(project)}`;

  return (
    <>
      <PageHeader
        title="Environments"
        subtitle="Stages of the promotion path, lowest order first."
        actions={
          !creating && (
            <button type="button" className="btn btn--primary" onClick={() => setCreating(true)}>
              <Icon name="plus" size={14} /> New environment
            </button>
          )
        }
      />
      {list.length > 1 && (
        <section className="promotion-path" aria-label="Promotion path">
          {list.map((env, i) => (
            <Fragment key={env.metadata.name}>
              {i > 0 && <span className="promotion-path__arrow">→</span>}
              <EnvBadge name={env.metadata.name} color={env.spec.color} />
            </Fragment>
          ))}
        </section>
      )}
      {creating && (
        <EnvironmentForm
          project={project}
          nextOrder={nextOrder}
          onCancel={() => setCreating(false)}
          onCreated={(env) => {
            setCreating(false);
            toast.success(`Environment ${env.metadata.name} created`, `in project ${project}`);
            invalidateResources(project);
          }}
        />
      )}
      <ErrorNotice error={envs.error} title="Cannot list environments" />
      <div className="card">
        <table className="table" aria-label="Environments">
          <thead>
            <tr>
              <th className="num">Order</th>
              <th>Environment</th>
              <th>Description</th>
              <th>Protection</th>
              <th className="num">Nodes</th>
              <th>Updated</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {envs.loading && <LoadingRow colSpan={7} />}
            {!envs.loading && list.length === 0 && (
              <EmptyRow colSpan={7}>
                No environments yet: create the first stage of the promotion path.
              </EmptyRow>
            )}
            {list.map((env) => (
              <tr key={env.metadata.name} data-name={env.metadata.name}>
                <td className="num mono">{env.spec.order}</td>
                <td>
                  <EnvBadge name={env.metadata.name} color={env.spec.color} />
                </td>
                <td className="muted">{env.spec.description}</td>
                <td>
                  {env.spec.protected ? (
                    <Badge tone="danger" title="Runs and changes need an approval">
                      <Icon name="lock" size={11} /> protected
                    </Badge>
                  ) : (
                    <span className="muted small">open</span>
                  )}
                </td>
                <td className="num">
                  <Link to={`${base}/nodes?env=${encodeURIComponent(env.metadata.name)}`}>
                    {nodes.data ? (nodeCount.get(env.metadata.name) ?? 0) : '…'}
                  </Link>
                </td>
                <td className="muted small" title={env.metadata.updatedAt}>
                  {relativeTime(env.metadata.updatedAt)}
                </td>
                <td className="actions">
                  <Link
                    className="btn btn--ghost btn--small"
                    to={`${base}/resources/environments/${env.metadata.name}`}
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
