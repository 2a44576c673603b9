import { type ComponentType, Suspense } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { RoleBadge } from '../components/badge';
import { Icon } from '../components/icon';
import { ProjectSwitcher } from './project-switcher';
import { useSession, useUser } from './session-context';
import { useCurrentProject } from './use-project';

export interface NavItem {
  /** Relative to /p/:project when `inProject`, absolute otherwise. */
  to: string;
  label: string;
  icon: string;
  inProject: boolean;
  badge?: ComponentType<{ project: string }>;
}

export interface NavSection {
  title: string;
  items: NavItem[];
}

export function Layout({ nav }: { nav: NavSection[] }) {
  const project = useCurrentProject();
  const user = useUser();
  const { signOut } = useSession();
  const navigate = useNavigate();

  const hrefOf = (item: NavItem) =>
    item.inProject ? (project ? `/p/${encodeURIComponent(project)}/${item.to}` : '/') : item.to;

  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          <span className="brand__mark" aria-hidden="true" />
          pont
        </div>
        <ProjectSwitcher current={project} />
        <nav className="nav" aria-label="Main">
          {nav.map((section) => (
            <div key={section.title} className="nav__section">
              <div className="nav__title">{section.title}</div>
              {section.items.map((item) => (
                <NavLink key={item.to} to={hrefOf(item)} className="nav__link">
                  <Icon name={item.icon} />
                  {item.label}
                  {item.badge && item.inProject && project && <item.badge project={project} />}
                </NavLink>
              ))}
            </div>
          ))}
        </nav>
        <div className="sidebar__foot">
          <div className="whoami">
            <span className="whoami__name" data-testid="whoami">
              {user.username}
            </span>
            <RoleBadge role={user.role} />
          </div>
          <button
            type="button"
            className="btn btn--ghost btn--small sidebar__logout"
            onClick={async () => {
              await signOut();
              navigate('/login');
            }}
          >
            <Icon name="logout" size={14} /> Log out
          </button>
        </div>
      </aside>
      <main className="main">
        <Suspense fallback={null}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
