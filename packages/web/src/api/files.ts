import { ApiError, CSRF_COOKIE, CSRF_HEADER, readCookie, request } from './client';
import type { List } from './types';

const enc = encodeURIComponent;

export interface StoredFile {
  project: string;
  name: string;
  size: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: string;
}

export const filesPath = (project: string, name?: string) =>
  `/api/v1/projects/${enc(project)}/files${name === undefined ? '' : `/${enc(name)}`}`;

export const listFiles = (project: string) => request<List<StoredFile>>(filesPath(project));

export const deleteFile = (project: string, name: string) =>
  request<{ ok: true }>(filesPath(project, name), { method: 'DELETE' });

/**
 * Uploads a file as the raw request body (the server streams it to disk and hashes it on the
 * way). XMLHttpRequest rather than fetch: it reports upload progress, which a 200 MB artifact needs.
 */
export function uploadFile(
  project: string,
  name: string,
  file: Blob,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<StoredFile> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', filesPath(project, name));
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) xhr.setRequestHeader(CSRF_HEADER, csrf);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(0, 'UNAVAILABLE', 'the upload was interrupted'));
    xhr.onabort = () => reject(new DOMException('upload cancelled', 'AbortError'));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body as StoredFile);
        return;
      }
      const error = (body as { error?: { code?: string; message?: string; details?: [] } } | undefined)
        ?.error;
      reject(
        new ApiError(
          xhr.status,
          error?.code ?? `HTTP_${xhr.status}`,
          error?.message ?? `the server answered ${xhr.status}`,
          error?.details ?? [],
        ),
      );
    };
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}
