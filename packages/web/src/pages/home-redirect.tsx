import { Navigate } from 'react-router';
import { useProjects } from '../app/use-kinds';
import { rememberedProject } from '../app/use-project';
import { Delayed } from '../components/delayed';
import { ErrorNotice } from '../components/error-notice';
import { PageHeader } from '../components/page-header';

/** "/" goes to the last project used, else the first one the user can see. */
export function HomeRedirect() {
  const projects = useProjects();
  const remembered = rememberedProject();
  const names = projects.data?.map((p) => p.metadata.name);
  if (remembered && (!names || names.includes(remembered))) {
    return <Navigate to={`/p/${encodeURIComponent(remembered)}/jobs`} replace />;
  }
  const first = names?.[0];
  if (first) return <Navigate to={`/p/${encodeURIComponent(first)}/jobs`} replace />;
  if (projects.error) return <ErrorNotice error={projects.error} title="Cannot list projects" />;
  if (!projects.data) return <Delayed>Loading…</Delayed>;
  return (
    <>
      <PageHeader title="No project yet" />
      <p className="muted">
        Projects hold environments, nodes, secrets and jobs. Create one with{' '}
        <code>pont apply -f project.yaml</code> or choose “New project” in the project menu.
      </p>
    </>
  );
}
