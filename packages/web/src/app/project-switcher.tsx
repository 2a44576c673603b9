import { useLocation, useNavigate } from 'react-router';
import { useProjects } from './use-kinds';

const NEW_PROJECT = '__new__';

/** Switching keeps the section (nodes stay nodes) but drops anything project-specific after it. */
export function ProjectSwitcher({ current }: { current: string | undefined }) {
  const { data: projects } = useProjects();
  const navigate = useNavigate();
  const location = useLocation();

  const onChange = (value: string) => {
    if (value === NEW_PROJECT) {
      navigate(`/p/${current ?? 'default'}/resources/projects/new`);
      return;
    }
    const match = /^\/p\/[^/]+\/([^/]+)/.exec(location.pathname);
    navigate(`/p/${encodeURIComponent(value)}/${match?.[1] ?? 'environments'}`);
  };

  const names = projects?.map((p) => p.metadata.name) ?? [];
  if (current && !names.includes(current)) names.unshift(current);
  return (
    <label className="project-switcher">
      <span className="project-switcher__label">Project</span>
      <select
        aria-label="Project"
        value={current ?? ''}
        onChange={(e) => onChange(e.target.value)}
        className="project-switcher__select"
      >
        {!current && <option value="">Choose…</option>}
        {names.map((name) => {
          const display = projects?.find((p) => p.metadata.name === name)?.spec.displayName;
          return (
            <option key={name} value={name}>
              {typeof display === 'string' && display ? `${display} (${name})` : name}
            </option>
          );
        })}
        <option value={NEW_PROJECT}>+ New project…</option>
      </select>
    </label>
  );
}
