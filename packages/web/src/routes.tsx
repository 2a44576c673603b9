import { type ComponentType, lazy, type ReactNode, useEffect } from 'react';
import { Navigate, Outlet, type RouteObject } from 'react-router';
import { Layout, type NavSection } from './app/layout';
import { RequireSession, SessionProvider } from './app/session-context';
import { ToastProvider } from './app/toast-context';
import { ActivityPage } from './pages/activity-page';
import { ApprovalsPage, PendingApprovalsBadge } from './pages/approvals-page';
import { AuditPage } from './pages/audit-page';
import { CommandsPage } from './pages/commands-page';
import { DeploymentPage } from './pages/deployments/deployment-page';
import { DeploymentsPage } from './pages/deployments/deployments-page';
import { EnvironmentsPage } from './pages/environments-page';
import { ExecutionPage } from './pages/execution-page';
import { FilesPage } from './pages/files-page';
import { FlagChangePage } from './pages/flags/flag-change-page';
import { FlagChangesPage } from './pages/flags/flag-changes-page';
import { FlagPage } from './pages/flags/flag-page';
import { FlagsPage } from './pages/flags/flags-page';
import { HomeRedirect } from './pages/home-redirect';
import { JobPage } from './pages/job-page';
import { JobsPage } from './pages/jobs-page';
import { LoginPage } from './pages/login-page';
import { NodesPage } from './pages/nodes-page';
import { NotFoundPage } from './pages/not-found-page';
import { ResourcesPage } from './pages/resources-page';
import { RouteError } from './pages/route-error';
import { TokensPage } from './pages/tokens-page';
import { UsersPage } from './pages/users-page';

// The editor pulls in CodeMirror and the YAML library: not part of the first load, but fetched
// and compiled while the browser is idle so opening a resource does not wait for it.
const loadEditorPage = () => import('./pages/resource-editor-page');
const ResourceEditorPage = lazy(() => loadEditorPage().then((m) => ({ default: m.ResourceEditorPage })));

function usePreloadWhenIdle(): void {
  useEffect(() => {
    const preload = () => {
      void loadEditorPage();
      void import('./editor/yaml-editor');
    };
    if ('requestIdleCallback' in window) {
      const handle = window.requestIdleCallback(preload, { timeout: 3000 });
      return () => window.cancelIdleCallback(handle);
    }
    const timer = setTimeout(preload, 1500);
    return () => clearTimeout(timer);
  }, []);
}

/**
 * The one table of console pages. A new page (jobs, flags, deployments) is one entry here:
 * `nav` puts it in the sidebar under its section, in table order.
 */
interface PageRoute {
  /** Project pages: relative to /p/:project. Others: absolute. */
  path: string;
  element: ReactNode;
  /** `badge`: a small live count beside the label (pending approvals). */
  nav?: { section: string; label: string; icon: string; badge?: ComponentType<{ project: string }> };
}

export const NAV_SECTIONS = ['Operations', 'Infrastructure', 'Configuration', 'Administration'];

export const projectPages: PageRoute[] = [
  {
    path: 'jobs',
    element: <JobsPage />,
    nav: { section: 'Operations', label: 'Jobs', icon: 'play' },
  },
  { path: 'jobs/:name', element: <JobPage /> },
  {
    path: 'deployments',
    element: <DeploymentsPage />,
    nav: { section: 'Operations', label: 'Deployments', icon: 'download' },
  },
  { path: 'deployments/:id', element: <DeploymentPage /> },
  {
    path: 'flags',
    element: <FlagsPage />,
    nav: { section: 'Operations', label: 'Flags', icon: 'flag' },
  },
  { path: 'flags/:name', element: <FlagPage /> },
  { path: 'flag-changes', element: <FlagChangesPage /> },
  { path: 'flag-changes/:id', element: <FlagChangePage /> },
  {
    path: 'activity',
    element: <ActivityPage />,
    nav: { section: 'Operations', label: 'Activity', icon: 'activity' },
  },
  // The project switcher keeps the first path segment: an execution page leads to the activity.
  { path: 'executions', element: <Navigate to="../activity" replace /> },
  { path: 'executions/:id', element: <ExecutionPage /> },
  {
    path: 'approvals',
    element: <ApprovalsPage />,
    nav: { section: 'Operations', label: 'Approvals', icon: 'approval', badge: PendingApprovalsBadge },
  },
  {
    path: 'commands',
    element: <CommandsPage />,
    nav: { section: 'Operations', label: 'Commands', icon: 'terminal' },
  },
  {
    path: 'files',
    element: <FilesPage />,
    nav: { section: 'Operations', label: 'Files', icon: 'upload' },
  },
  {
    path: 'environments',
    element: <EnvironmentsPage />,
    nav: { section: 'Infrastructure', label: 'Environments', icon: 'layers' },
  },
  {
    path: 'nodes',
    element: <NodesPage />,
    nav: { section: 'Infrastructure', label: 'Nodes', icon: 'server' },
  },
  {
    path: 'resources',
    element: <ResourcesPage />,
    nav: { section: 'Configuration', label: 'Resources', icon: 'file' },
  },
  { path: 'resources/:kind', element: <ResourcesPage /> },
  { path: 'resources/:kind/new', element: <ResourceEditorPage isNew /> },
  { path: 'resources/:kind/:name', element: <ResourceEditorPage /> },
];

export const globalPages: PageRoute[] = [
  {
    path: '/audit',
    element: <AuditPage />,
    nav: { section: 'Administration', label: 'Audit log', icon: 'history' },
  },
  {
    path: '/users',
    element: <UsersPage />,
    nav: { section: 'Administration', label: 'Users', icon: 'users' },
  },
  {
    path: '/tokens',
    element: <TokensPage />,
    nav: { section: 'Administration', label: 'Tokens', icon: 'key' },
  },
];

function navSections(): NavSection[] {
  return NAV_SECTIONS.map((title) => ({
    title,
    items: [
      ...projectPages.map((p) => ({ page: p, inProject: true })),
      ...globalPages.map((p) => ({ page: p, inProject: false })),
    ]
      .filter(({ page }) => page.nav?.section === title)
      .map(({ page, inProject }) => ({
        to: page.path,
        label: page.nav?.label ?? page.path,
        icon: page.nav?.icon ?? 'file',
        inProject,
        ...(page.nav?.badge ? { badge: page.nav.badge } : {}),
      })),
  })).filter((s) => s.items.length > 0);
}

function Root() {
  usePreloadWhenIdle();
  return (
    <SessionProvider>
      <ToastProvider>
        <Outlet />
      </ToastProvider>
    </SessionProvider>
  );
}

export const routes: RouteObject[] = [
  {
    element: <Root />,
    errorElement: <RouteError />,
    children: [
      { path: '/login', element: <LoginPage /> },
      {
        element: (
          <RequireSession>
            <Layout nav={navSections()} />
          </RequireSession>
        ),
        // Inside the layout too, so a failing page keeps the sidebar and the way out.
        errorElement: <RouteError />,
        children: [
          { index: true, element: <HomeRedirect /> },
          {
            path: 'p/:project',
            children: [
              { index: true, element: <Navigate to="jobs" replace /> },
              ...projectPages.map((p) => ({ path: p.path, element: p.element })),
            ],
          },
          ...globalPages.map((p) => ({ path: p.path, element: p.element })),
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];
