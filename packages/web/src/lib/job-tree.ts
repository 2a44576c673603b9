import type { JobSummary } from '../api/types';

export interface Folder {
  name: string;
  path: string;
  folders: Folder[];
  jobs: JobSummary[];
}

/** Jobs into a tree of folders by their `group` path ("deploy/web"); folders first, by name. */
export function folderTree(jobs: JobSummary[]): Folder {
  const root: Folder = { name: '', path: '', folders: [], jobs: [] };
  for (const job of jobs) {
    let folder = root;
    for (const part of (job.group ?? '').split('/').filter(Boolean)) {
      const path = folder.path ? `${folder.path}/${part}` : part;
      let next = folder.folders.find((f) => f.name === part);
      if (!next) {
        next = { name: part, path, folders: [], jobs: [] };
        folder.folders.push(next);
      }
      folder = next;
    }
    folder.jobs.push(job);
  }
  const sort = (folder: Folder) => {
    folder.folders.sort((a, b) => a.name.localeCompare(b.name));
    folder.jobs.sort((a, b) => a.name.localeCompare(b.name));
    folder.folders.forEach(sort);
  };
  sort(root);
  return root;
}

export function allJobs(folder: Folder): JobSummary[] {
  return [...folder.jobs, ...folder.folders.flatMap(allJobs)];
}

export function nextRun(job: JobSummary) {
  return job.schedules
    .filter((s) => s.enabled && s.next)
    .sort((a, b) => (a.next ?? '').localeCompare(b.next ?? ''))[0];
}
