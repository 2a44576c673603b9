import { NodeFilterError, selectNodes } from '@pont/sdk/node-filter';
import { type FormEvent, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { listExecutions, runCommand } from '../api/jobs';
import type { EnvironmentSpec, NodeSpec } from '../api/types';
import { useProject } from '../app/use-project';
import { byPromotionOrder, ENVIRONMENT_KIND, NODE_KIND, useResourceList } from '../app/use-resources';
import { EnvBadge } from '../components/badge';
import { ErrorNotice } from '../components/error-notice';
import { Icon } from '../components/icon';
import { PageHeader } from '../components/page-header';
import { StateBadge } from '../components/state-badge';
import { adhocCommand, rememberCommand } from '../lib/adhoc-commands';
import { plural } from '../lib/format';
import { relativeTime } from '../lib/time';
import { invalidate, useQuery } from '../lib/use-query';
import { ExecutionTitle } from './activity-page';

const FILTER_HELP = 'tags: web · name: app-* · !name: app-3 · os: linux · app-1 app-2';

/**
 * The ad-hoc command box: one command on the nodes a filter matches, run as an execution with
 * its own live log. The server checks the `exec` action on every node (devs usually lack it).
 */
export function CommandsPage() {
  const project = useProject();
  const navigate = useNavigate();
  const base = `/p/${encodeURIComponent(project)}`;
  const envs = useResourceList<EnvironmentSpec>(ENVIRONMENT_KIND, project);
  const nodes = useResourceList<NodeSpec>(NODE_KIND, project);
  const recent = useQuery(`executions:${project}:recent-commands`, () =>
    listExecutions(project, { limit: 200 }),
  );
  const environments = byPromotionOrder(envs.data);
  const [chosenEnv, setEnvironment] = useState('');
  const environment = chosenEnv || environments[0]?.metadata.name || '';
  const [filter, setFilter] = useState('');
  const [command, setCommand] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const env = environments.find((e) => e.metadata.name === environment);
  const inEnv = useMemo(
    () => (nodes.data ?? []).filter((n) => n.spec.environment === environment),
    [nodes.data, environment],
  );
  const match = useMemo(() => {
    try {
      const chosen = selectNodes(
        inEnv.map((n) => ({
          name: n.metadata.name,
          hostname: n.spec.hostname,
          username: n.spec.username,
          executor: n.spec.executor,
          tags: n.spec.tags ?? [],
          attributes: n.spec.attributes ?? {},
        })),
        filter,
      );
      return { names: chosen.map((n) => n.name) };
    } catch (e) {
      return { problem: e instanceof NodeFilterError ? e.message : String(e) };
    }
  }, [inEnv, filter]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const execution = await runCommand(project, { environment, nodes: filter.trim(), command });
      rememberCommand(execution.id, command);
      invalidate(`executions:${project}`);
      navigate(`${base}/executions/${execution.id}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const commands = (recent.data?.items ?? []).filter((e) => e.type === 'adhoc').slice(0, 12);
  const canRun = Boolean(environment && command.trim() && match.names && match.names.length > 0);

  return (
    <>
      <PageHeader
        title="Commands"
        subtitle="Run one command on matching nodes, with a live log. Needs the exec permission on each node."
      />
      <form className="card command-form" onSubmit={submit} aria-label="Run a command">
        <div className="command-form__row">
          <label className="field">
            <span>Environment</span>
            <select
              aria-label="Environment"
              value={environment}
              onChange={(e) => setEnvironment(e.target.value)}
            >
              {environments.map((e) => (
                <option key={e.metadata.name} value={e.metadata.name}>
                  {e.metadata.name}
                  {e.spec.protected ? ' (needs approval)' : ''}
                </option>
              ))}
            </select>
          </label>
          <label className="field command-form__filter">
            <span>Nodes</span>
            <input
              aria-label="Node filter"
              className="mono"
              placeholder="all nodes of the environment, or e.g. tags: web"
              spellCheck={false}
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
            />
          </label>
        </div>
        <div className="command-form__match small" data-testid="node-match">
          {match.problem ? (
            <span className="text-danger">
              <Icon name="alert" size={12} /> {match.problem}
            </span>
          ) : nodes.data ? (
            <>
              <strong>
                {plural(match.names?.length ?? 0, 'node')} of {inEnv.length}
              </strong>{' '}
              {match.names && match.names.length > 0 ? (
                <span className="chips command-form__nodes">
                  {match.names.slice(0, 12).map((n) => (
                    <span key={n} className="chip">
                      {n}
                    </span>
                  ))}
                  {match.names.length > 12 && <span className="muted">+{match.names.length - 12}</span>}
                </span>
              ) : (
                <span className="muted">
                  match in {environment}. Syntax: <code>{FILTER_HELP}</code>
                </span>
              )}
            </>
          ) : (
            <span className="muted">Loading nodes…</span>
          )}
        </div>
        <label className="field">
          <span>Command</span>
          <textarea
            aria-label="Command"
            className="mono command-form__command"
            rows={3}
            spellCheck={false}
            placeholder="uptime; df -h /"
            value={command}
            onChange={(e) => setCommand(e.target.value)}
            onKeyDown={(e) => {
              // Ctrl/Cmd+Enter runs, as in most consoles; Enter alone adds a line.
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && canRun) {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
          />
        </label>
        {env?.spec.protected && (
          <div className="notice notice--warn">
            <Icon name="lock" />
            <div className="notice__body">
              <strong>{environment}</strong> is protected: the command waits for another person's approval.
            </div>
          </div>
        )}
        <ErrorNotice error={error} title="The command was refused" />
        <div className="form-actions">
          <span className="muted small">Runs through /bin/sh on each node · Ctrl+Enter</span>
          <button type="submit" className="btn btn--primary" disabled={busy || !canRun}>
            <Icon name="terminal" size={13} />{' '}
            {busy ? 'Starting…' : `Run on ${plural(match.names?.length ?? 0, 'node')}`}
          </button>
        </div>
      </form>

      <h2 className="section-title">Recent commands</h2>
      <div className="card">
        <table className="table" aria-label="Recent commands">
          <tbody>
            {commands.length === 0 && (
              <tr className="row--placeholder">
                <td colSpan={5}>No command run recently.</td>
              </tr>
            )}
            {commands.map((e) => (
              <tr key={e.id}>
                <td>
                  <StateBadge state={e.state} />
                </td>
                <td>
                  <Link to={`${base}/executions/${e.id}`}>
                    <ExecutionTitle execution={e} />
                  </Link>
                </td>
                <td>
                  <EnvBadge
                    name={e.environment}
                    color={envs.data?.find((x) => x.metadata.name === e.environment)?.spec.color}
                  />
                </td>
                <td className="small">
                  {e.requestedBy} <span className="muted">{relativeTime(e.createdAt)}</span>
                </td>
                <td className="actions">
                  <button
                    type="button"
                    className="btn btn--ghost btn--small"
                    disabled={!adhocCommand(e)}
                    onClick={() => {
                      setEnvironment(e.environment);
                      setCommand(adhocCommand(e) ?? '');
                    }}
                  >
                    Reuse
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
