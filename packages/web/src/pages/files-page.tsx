import { type FormEvent, useRef, useState } from 'react';
import { deleteFile, filesPath, listFiles, type StoredFile, uploadFile } from '../api/files';
import { useToast } from '../app/toast-context';
import { useProject } from '../app/use-project';
import { ConfirmDialog } from '../components/confirm-dialog';
import { CopyButton } from '../components/copy-button';
import { EmptyRow, LoadingRow } from '../components/delayed';
import { ErrorNotice, isForbidden, NotAllowed } from '../components/error-notice';
import { Icon } from '../components/icon';
import { PageHeader } from '../components/page-header';
import { formatBytes, plural } from '../lib/format';
import { formatTime, relativeTime } from '../lib/time';
import { useQuery } from '../lib/use-query';

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** A name the server accepts, from whatever the browser calls the file. */
export function fileNameFor(original: string): string {
  const cleaned = original
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 200);
  return cleaned || 'file';
}

/**
 * Files of the project that `copy` steps send to nodes (`copy: {file: NAME}`): artifacts,
 * configuration, scripts. Uploads stream to the server, which keeps their sha256.
 */
export function FilesPage() {
  const project = useProject();
  const toast = useToast();
  const files = useQuery(`files:${project}`, async () => (await listFiles(project)).items);
  const [chosen, setChosen] = useState<File>();
  const [name, setName] = useState('');
  const [progress, setProgress] = useState<number>();
  const [error, setError] = useState<unknown>();
  const [deleting, setDeleting] = useState<StoredFile>();
  const input = useRef<HTMLInputElement>(null);

  if (isForbidden(files.error)) return <NotAllowed error={files.error} what="the files of this project" />;
  const list = files.data ?? [];
  const replaces = list.some((f) => f.name === name);
  const nameOk = FILE_NAME.test(name);

  const upload = async (event: FormEvent) => {
    event.preventDefault();
    if (!chosen || !nameOk) return;
    setError(undefined);
    setProgress(0);
    try {
      const stored = await uploadFile(project, name, chosen, setProgress);
      toast.success(
        `Uploaded ${stored.name}`,
        `${formatBytes(stored.size)}, sha256 ${stored.sha256.slice(0, 12)}…`,
      );
      setChosen(undefined);
      setName('');
      if (input.current) input.current.value = '';
      await files.reload();
    } catch (e) {
      setError(e);
    } finally {
      setProgress(undefined);
    }
  };

  return (
    <>
      <PageHeader
        title="Files"
        subtitle={
          <>
            Artifacts and files that copy steps send to nodes:{' '}
            <code>
              copy: {'{'}file: NAME, destination: …{'}'}
            </code>
          </>
        }
      />
      <form className="card form-card upload-form" onSubmit={upload} aria-label="Upload a file">
        <label className="field">
          <span>File</span>
          <input
            ref={input}
            type="file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              setChosen(file);
              if (file) setName(fileNameFor(file.name));
            }}
          />
        </label>
        <label className="field">
          <span>Name in pont</span>
          <input
            className="mono"
            value={name}
            placeholder="shop-1.4.2.war"
            aria-invalid={name !== '' && !nameOk}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <div className="upload-form__actions">
          {progress !== undefined ? (
            <div className="progress" role="progressbar" aria-valuenow={Math.round(progress * 100)}>
              <div className="progress__bar" style={{ width: `${Math.round(progress * 100)}%` }} />
              <span>{Math.round(progress * 100)} %</span>
            </div>
          ) : (
            <span className="muted small">
              {chosen && `${formatBytes(chosen.size)}`}
              {name && !nameOk && ' · letters, digits, ".", "_" and "-", starting with a letter or digit'}
              {replaces && nameOk && ` · replaces the current ${name}`}
            </span>
          )}
          <button
            type="submit"
            className="btn btn--primary"
            disabled={!chosen || !nameOk || progress !== undefined}
          >
            <Icon name="plus" size={13} /> {replaces ? 'Replace' : 'Upload'}
          </button>
        </div>
        <div className="upload-form__error">
          <ErrorNotice error={error} title="The upload failed" />
        </div>
      </form>
      <ErrorNotice error={files.error} title="Cannot list files" />
      <div className="card">
        <table className="table" aria-label="Files">
          <thead>
            <tr>
              <th>Name</th>
              <th className="num">Size</th>
              <th>sha256</th>
              <th>Uploaded</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {files.loading && <LoadingRow colSpan={5} />}
            {!files.loading && list.length === 0 && (
              <EmptyRow colSpan={5}>
                No files yet. Upload one here or with <code>pont files push FILE</code>.
              </EmptyRow>
            )}
            {list.map((f) => (
              <tr key={f.name}>
                <td className="mono strong">{f.name}</td>
                <td className="num">{formatBytes(f.size)}</td>
                <td>
                  <span className="sha">
                    <code title={f.sha256}>{f.sha256.slice(0, 16)}…</code>
                    <CopyButton text={f.sha256} label="Copy" />
                  </span>
                </td>
                <td className="small">
                  {f.uploadedBy}{' '}
                  <span className="muted" title={formatTime(f.uploadedAt)}>
                    {relativeTime(f.uploadedAt)}
                  </span>
                </td>
                <td className="actions">
                  <a
                    className="btn btn--ghost btn--small"
                    href={filesPath(project, f.name)}
                    download={f.name}
                  >
                    <Icon name="download" size={13} /> Download
                  </a>
                  <button
                    type="button"
                    className="btn btn--ghost btn--small btn--danger-text"
                    aria-label={`Delete ${f.name}`}
                    onClick={() => setDeleting(f)}
                  >
                    <Icon name="trash" size={13} />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.length > 0 && (
        <p className="muted small load-more">
          {plural(list.length, 'file')}, {formatBytes(list.reduce((sum, f) => sum + f.size, 0))}
        </p>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete file ${deleting.name}?`}
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await deleteFile(project, deleting.name);
            toast.success(`File ${deleting.name} deleted`);
            await files.reload();
          }}
        >
          Jobs whose copy steps name <strong>{deleting.name}</strong> fail until it is uploaded again.
        </ConfirmDialog>
      )}
    </>
  );
}
