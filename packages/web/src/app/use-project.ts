import { useEffect } from 'react';
import { useMatch, useParams } from 'react-router';

const KEY = 'pont.project';

export function rememberedProject(): string | undefined {
  try {
    return localStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The project lives in the URL (/p/:project/…) so links can be shared; the last one is also
 * remembered so pages outside a project (audit, users) can lead back to it.
 */
export function useCurrentProject(): string | undefined {
  // useMatch rather than useParams: the layout sits above the route that declares :project.
  const project = useMatch('/p/:project/*')?.params.project;
  useEffect(() => {
    if (!project) return;
    try {
      localStorage.setItem(KEY, project);
    } catch {
      // Private windows may refuse storage; the URL still carries the project.
    }
  }, [project]);
  return project ?? rememberedProject();
}

/** The project a project page is rendered for; the route guarantees it. */
export function useProject(): string {
  const { project } = useParams();
  if (!project) throw new Error('useProject outside /p/:project');
  return project;
}
