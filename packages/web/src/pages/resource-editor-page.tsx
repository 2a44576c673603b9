import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import { applyYaml, deleteResource, getResource, getSchema } from '../api/resources';
import type { ApplyResult, ErrorDetail, KindInfo, Resource } from '../api/types';
import { useToast } from '../app/toast-context';
import { findKind, useKinds } from '../app/use-kinds';
import { useProject } from '../app/use-project';
import { invalidateResources } from '../app/use-resources';
import { ActionBadge, Badge } from '../components/badge';
import { ChangeList } from '../components/change-list';
import { ConfirmDialog } from '../components/confirm-dialog';
import { Delayed } from '../components/delayed';
import { detailText, ErrorNotice } from '../components/error-notice';
import { Icon } from '../components/icon';
import { PageHeader } from '../components/page-header';
import { UnsavedChangesGuard } from '../components/unsaved-changes-guard';
import { templateFor, toYaml } from '../editor/templates';
import type { EditorHandle } from '../editor/yaml-editor';
import { useQuery } from '../lib/use-query';
import { editorPath } from './resources-page';

// CodeMirror is most of the bundle's weight: it loads in parallel with the resource, not before it.
const YamlEditor = lazy(() => import('../editor/yaml-editor').then((m) => ({ default: m.YamlEditor })));

type Check =
  | { phase: 'idle' }
  | { phase: 'checking' }
  | { phase: 'ok'; results: ApplyResult[] }
  | { phase: 'failed'; error: ApiError };

/** Codes that say nothing about the text itself: shown as a notice, not as underlines. */
const NOT_ABOUT_TEXT = new Set(['FORBIDDEN', 'CSRF_FAILED', 'UNAUTHENTICATED', 'UNAVAILABLE', 'INTERNAL']);

function problemsOf(error: ApiError): ErrorDetail[] {
  if (NOT_ABOUT_TEXT.has(error.code)) return [];
  return error.details.length > 0 ? error.details : [{ message: error.message }];
}

export function ResourceEditorPage({ isNew = false }: { isNew?: boolean }) {
  const project = useProject();
  const { kind: kindParam, name } = useParams();
  const [search] = useSearchParams();
  const kinds = useKinds();
  const kind = findKind(kinds.data, kindParam);
  const scopeProject =
    kind?.scope === 'cluster' || (kind?.scope === 'both' && search.get('cluster')) ? undefined : project;

  const schema = useQuery(kind ? `schema:${kind.kind}` : null, () => getSchema(kind?.kind ?? ''));
  const [loaded, setLoaded] = useState<{ text: string; resource?: Resource; version: number }>();
  const [loadError, setLoadError] = useState<unknown>();

  const load = useCallback(async () => {
    if (!kind) return;
    setLoadError(undefined);
    if (isNew || !name) {
      setLoaded((prev) => ({
        text: templateFor(kind, project, schema.data),
        version: (prev?.version ?? 0) + 1,
      }));
      return;
    }
    try {
      const resource = await getResource(kind, scopeProject, name);
      setLoaded((prev) => ({ text: toYaml(resource), resource, version: (prev?.version ?? 0) + 1 }));
    } catch (error) {
      setLoadError(error);
    }
  }, [kind, isNew, name, project, scopeProject, schema.data]);

  // Reload only when the target changes; the schema arriving later must not reset a template being edited.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  useEffect(() => {
    void load();
  }, [kind?.kind, isNew, name, scopeProject]);

  if (kinds.data && !kind) {
    return <ErrorNotice error={new Error(`unknown kind "${kindParam}"`)} title="Unknown kind" />;
  }
  const title = isNew ? `New ${kind?.kind ?? ''}` : `${kind?.kind ?? ''} ${name ?? ''}`;
  return (
    <>
      <div className="breadcrumbs">
        <Link to={`/p/${encodeURIComponent(project)}/resources/${kind?.plural ?? ''}`}>
          {kind ? kind.plural : 'Resources'}
        </Link>
        <Icon name="chevron" size={12} />
        <span>{isNew ? 'new' : name}</span>
      </div>
      {loadError ? (
        <>
          <PageHeader title={title} />
          <ErrorNotice error={loadError} title={`Cannot open ${title}`} />
        </>
      ) : kind && loaded ? (
        <EditorBody
          key={`${kind.kind}/${name ?? ''}/${loaded.version}`}
          kind={kind}
          project={project}
          scopeProject={scopeProject}
          title={title}
          isNew={isNew}
          initialText={loaded.text}
          resource={loaded.resource}
          schema={schema.data}
          onReload={load}
        />
      ) : (
        <>
          <PageHeader title={title} />
          <Delayed>
            <p className="muted">
              <span className="spinner" /> Loading…
            </p>
          </Delayed>
        </>
      )}
    </>
  );
}

function EditorBody({
  kind,
  project,
  scopeProject,
  title,
  isNew,
  initialText,
  resource,
  schema,
  onReload,
}: {
  kind: KindInfo;
  project: string;
  scopeProject: string | undefined;
  title: string;
  isNew: boolean;
  initialText: string;
  resource: Resource | undefined;
  schema: Parameters<typeof templateFor>[2];
  onReload(): Promise<void>;
}) {
  const toast = useToast();
  const navigate = useNavigate();
  const editor = useRef<EditorHandle | null>(null);
  const [check, setCheck] = useState<Check>({ phase: 'idle' });
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>();
  const [deleting, setDeleting] = useState(false);
  const latestText = useRef(initialText);
  // Set just before the page navigates on its own (after creating, after deleting).
  const leaving = useRef(false);
  const shouldBlock = useCallback(
    () => !leaving.current && latestText.current !== initialText,
    [initialText],
  );

  const onCheck = useCallback(async (text: string): Promise<ErrorDetail[]> => {
    setCheck({ phase: 'checking' });
    try {
      const { results } = await applyYaml(text, { dryRun: true });
      if (latestText.current === text) setCheck({ phase: 'ok', results });
      return [];
    } catch (error) {
      const apiError =
        error instanceof ApiError ? error : new ApiError(0, 'UNAVAILABLE', (error as Error).message);
      if (latestText.current === text) setCheck({ phase: 'failed', error: apiError });
      return problemsOf(apiError);
    }
  }, []);

  const save = async () => {
    const text = editor.current?.text() ?? latestText.current;
    setSaving(true);
    setSaveError(undefined);
    try {
      const { results } = await applyYaml(text, { dryRun: false });
      const first = results[0];
      invalidateResources(project);
      if (!first) {
        toast.info('Nothing to apply', 'the document is empty');
        return;
      }
      toast.success(
        `${first.kind} ${first.name} ${first.action}`,
        results.length > 1 ? `and ${results.length - 1} more` : undefined,
      );
      const sameTarget = !isNew && first.kind === kind.kind && first.name === resource?.metadata.name;
      if (sameTarget) await onReload();
      else if (first.kind === kind.kind && first.after) {
        leaving.current = true;
        navigate(editorPath(project, kind, first.after), { replace: isNew });
      } else await onReload();
    } catch (error) {
      setSaveError(error);
      if (error instanceof ApiError) editor.current?.showProblems(problemsOf(error));
    } finally {
      setSaving(false);
    }
  };

  const problems = check.phase === 'failed' ? problemsOf(check.error) : [];
  const refusal = check.phase === 'failed' && problems.length === 0 ? check.error : undefined;
  const isSecret = kind.kind === 'Secret';

  return (
    <>
      <UnsavedChangesGuard shouldBlock={shouldBlock} />
      <PageHeader
        title={title}
        subtitle={
          resource ? (
            <>
              resourceVersion <code>{resource.metadata.resourceVersion}</code>
              {resource.metadata.project ? <> · project {resource.metadata.project}</> : <> · cluster-wide</>}
              {dirty && <Badge tone="warn">unsaved</Badge>}
            </>
          ) : (
            kind.description
          )
        }
        actions={
          <>
            {!isNew && (
              <button
                type="button"
                className="btn"
                onClick={() => void onReload()}
                title="Discard edits and reload"
              >
                Reload
              </button>
            )}
            {!isNew && (
              <button type="button" className="btn btn--danger-outline" onClick={() => setDeleting(true)}>
                <Icon name="trash" size={14} /> Delete
              </button>
            )}
            <button
              type="button"
              className="btn btn--primary"
              disabled={saving}
              onClick={save}
              title="Ctrl/Cmd+S"
            >
              {saving ? 'Saving…' : isNew ? 'Create' : 'Save'}
            </button>
          </>
        }
      />
      {isSecret && (
        <div className="notice notice--info">
          <Icon name="key" />
          <div className="notice__body">
            Secret values are write-only: the server never returns them, only their keys (under{' '}
            <code>status.keys</code>). Add <code>spec.data</code> with every key to replace the values; leave
            it out to keep the stored ones.
          </div>
        </div>
      )}
      <ErrorNotice
        error={saveError}
        title={
          saveError instanceof ApiError && saveError.code === 'RESOURCE_CONFLICT'
            ? 'Someone changed this resource since you opened it: reload, reapply your edit, save again'
            : 'Not saved'
        }
      />
      <div className="editor-layout">
        <div className="editor-pane card">
          <Suspense fallback={<div className="yaml-editor yaml-editor--loading" />}>
            <YamlEditor
              initialValue={initialText}
              schema={schema}
              handleRef={editor}
              onCheck={onCheck}
              onSave={save}
              onChange={(text) => {
                latestText.current = text;
                setDirty(text !== initialText);
              }}
            />
          </Suspense>
          <section className="problems" aria-label="Problems" aria-live="polite">
            {problems.length === 0 && check.phase !== 'failed' && (
              <div className="problems__ok small">
                {check.phase === 'ok' ? (
                  <>
                    <Icon name="check" size={13} /> Valid: the server accepts this document.
                  </>
                ) : (
                  <span className="muted">Checking…</span>
                )}
              </div>
            )}
            {problems.map((p, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: problems have no identity of their own
              <div key={i} className="problem" data-testid="problem">
                <button
                  type="button"
                  className="problem__where"
                  onClick={() => p.line && editor.current?.focusAt(p.line, p.column)}
                >
                  {p.line ? `line ${p.line}${p.column ? `:${p.column}` : ''}` : 'document'}
                </button>
                <span className="problem__text">
                  {detailText({ ...p, line: undefined, column: undefined })}
                </span>
                {p.expected && <span className="muted small"> expected {p.expected}</span>}
              </div>
            ))}
          </section>
        </div>
        <aside className="card editor-side" aria-label="Pending changes">
          <h2 className="card__title">Pending changes</h2>
          {refusal && <ErrorNotice error={refusal} title="You cannot apply this" />}
          {check.phase === 'checking' && <p className="muted small">Checking with the server…</p>}
          {check.phase === 'failed' && problems.length > 0 && (
            <p className="muted small">Fix the problems to see what would change.</p>
          )}
          {check.phase === 'ok' && check.results.length === 0 && (
            <p className="muted small">Nothing to apply.</p>
          )}
          {check.phase === 'ok' &&
            check.results.map((r) => (
              <div key={`${r.kind}/${r.project ?? ''}/${r.name}`} className="pending">
                <div className="pending__head">
                  <ActionBadge action={r.action} />
                  <span className="strong">
                    {r.kind} {r.project ? `${r.project}/` : ''}
                    {r.name}
                  </span>
                </div>
                <ChangeList
                  changes={r.action === 'created' ? [] : r.changes}
                  empty={r.action === 'created' ? 'New resource.' : 'No changes.'}
                />
              </div>
            ))}
        </aside>
      </div>
      {deleting && resource && (
        <ConfirmDialog
          title={`Delete ${kind.kind} ${resource.metadata.name}?`}
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await deleteResource(kind, scopeProject, resource.metadata.name);
            toast.success(`${kind.kind} ${resource.metadata.name} deleted`);
            invalidateResources(project);
            leaving.current = true;
            navigate(`/p/${encodeURIComponent(project)}/resources/${kind.plural}`);
          }}
        >
          This removes <strong>{resource.metadata.name}</strong>. The audit log keeps a record of it.
        </ConfirmDialog>
      )}
    </>
  );
}
