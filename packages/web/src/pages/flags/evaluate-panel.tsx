import { useEffect, useState } from 'react';
import { type Evaluation, type EvaluationContext, evaluateFlag, type FlagSpec } from '../../api/flags';
import { Badge, EnvBadge } from '../../components/badge';
import { ErrorNotice } from '../../components/error-notice';
import { Icon } from '../../components/icon';
import { whyLines } from '../../lib/flags';
import { useDebounced } from '../../lib/use-debounced';

interface ContextForm {
  userId: string;
  sessionId: string;
  remoteAddress: string;
  appName: string;
  currentTime: string;
  properties: Array<{ key: string; value: string }>;
}

const EMPTY: ContextForm = {
  userId: '',
  sessionId: '',
  remoteAddress: '',
  appName: '',
  currentTime: '',
  properties: [{ key: '', value: '' }],
};

const FIELDS: Array<{ name: Exclude<keyof ContextForm, 'properties'>; label: string; placeholder: string }> =
  [
    { name: 'userId', label: 'userId', placeholder: '42' },
    { name: 'sessionId', label: 'sessionId', placeholder: 'a1b2c3' },
    { name: 'remoteAddress', label: 'remoteAddress', placeholder: '10.1.2.3' },
    { name: 'appName', label: 'appName', placeholder: 'shop-web' },
    { name: 'currentTime', label: 'currentTime', placeholder: 'now (ISO time to try another)' },
  ];

function toContext(form: ContextForm): EvaluationContext {
  const context: EvaluationContext = {};
  for (const { name } of FIELDS) if (form[name].trim()) context[name] = form[name].trim();
  const properties = form.properties.filter((p) => p.key.trim());
  if (properties.length)
    context.properties = Object.fromEntries(properties.map((p) => [p.key.trim(), p.value]));
  return context;
}

/**
 * "Evaluate for this context": the server's engine answers for the saved flag, or for the draft
 * being edited, with the variant and why; it re-evaluates as the context or the draft changes.
 */
export function EvaluatePanel({
  project,
  flag,
  environment,
  color,
  spec,
  isDraft,
}: {
  project: string;
  flag: string;
  environment: string;
  color?: string | undefined;
  spec: FlagSpec;
  isDraft: boolean;
}) {
  const [form, setForm] = useState<ContextForm>(EMPTY);
  const [result, setResult] = useState<Evaluation>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const input = JSON.stringify({ environment, context: toContext(form), spec: isDraft ? spec : undefined });
  const debounced = useDebounced(input, 250);

  useEffect(() => {
    const controller = new AbortController();
    const body = JSON.parse(debounced) as {
      environment: string;
      context: EvaluationContext;
      spec?: FlagSpec;
    };
    setBusy(true);
    evaluateFlag(project, flag, body, controller.signal)
      .then((r) => {
        setResult(r);
        setError(undefined);
      })
      .catch((e: Error) => {
        if (e.name !== 'AbortError') setError(e);
      })
      .finally(() => {
        if (!controller.signal.aborted) setBusy(false);
      });
    return () => controller.abort();
  }, [project, flag, debounced]);

  const set = (name: Exclude<keyof ContextForm, 'properties'>, value: string) =>
    setForm({ ...form, [name]: value });
  const setProperty = (i: number, patch: Partial<{ key: string; value: string }>) =>
    setForm({ ...form, properties: form.properties.map((p, j) => (j === i ? { ...p, ...patch } : p)) });
  const shown = result && result.environment === environment ? result : undefined;

  return (
    <section className="card eval-panel" aria-label="Evaluate for this context" data-testid="evaluate-panel">
      <h2 className="card__title">
        <Icon name="play" size={14} /> Evaluate for this context
      </h2>
      <p className="eval-panel__scope small">
        in <EnvBadge name={environment} color={color} />{' '}
        {isDraft ? (
          <Badge tone="warn" title="what the flag would answer once this draft is saved">
            unsaved draft
          </Badge>
        ) : (
          <span className="muted">saved configuration</span>
        )}
      </p>
      <div className="eval-panel__fields">
        {FIELDS.map((f) => (
          <label key={f.name} className="eval-field">
            <span className="mono">{f.label}</span>
            <input
              aria-label={`Context ${f.label}`}
              placeholder={f.placeholder}
              value={form[f.name]}
              onChange={(e) => set(f.name, e.target.value)}
            />
          </label>
        ))}
        <div className="eval-field eval-field--properties">
          <span>properties</span>
          <div>
            {form.properties.map((p, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows of a small form, edited in place
              <div key={i} className="eval-property">
                <input
                  className="mono eval-property__input"
                  aria-label={`Property ${i + 1} name`}
                  placeholder="plan"
                  value={p.key}
                  onChange={(e) => setProperty(i, { key: e.target.value })}
                />
                <span className="muted">=</span>
                <input
                  className="eval-property__input"
                  aria-label={`Property ${i + 1} value`}
                  placeholder="pro"
                  value={p.value}
                  onChange={(e) => setProperty(i, { value: e.target.value })}
                />
                <button
                  type="button"
                  className="btn btn--ghost btn--small"
                  aria-label={`Remove property ${i + 1}`}
                  onClick={() =>
                    setForm({
                      ...form,
                      properties:
                        form.properties.length > 1
                          ? form.properties.filter((_, j) => j !== i)
                          : [{ key: '', value: '' }],
                    })
                  }
                >
                  ×
                </button>
              </div>
            ))}
            <button
              type="button"
              className="btn btn--ghost btn--small"
              onClick={() => setForm({ ...form, properties: [...form.properties, { key: '', value: '' }] })}
            >
              <Icon name="plus" size={12} /> Property
            </button>
          </div>
        </div>
      </div>

      <div className="eval-result" data-testid="evaluation" aria-live="polite" aria-busy={busy}>
        {shown ? (
          <>
            <div className="eval-result__head">
              <span
                className={`eval-result__answer ${shown.enabled ? 'eval-result__answer--on' : 'eval-result__answer--off'}`}
                data-testid="evaluation-result"
              >
                {shown.enabled ? 'ON' : 'OFF'}
              </span>
              <div className="eval-result__variant">
                <div className="muted small">variant</div>
                <div className="mono strong" data-testid="evaluation-variant">
                  {shown.variant.enabled ? (
                    shown.variant.name
                  ) : (
                    <span className="muted" title={`SDKs answer the "${shown.variant.name}" variant`}>
                      none
                    </span>
                  )}
                </div>
              </div>
              {busy && <span className="spinner" title="Evaluating" />}
            </div>
            {shown.variant.payload && (
              <div className="eval-result__payload">
                <span className="muted small">payload ({shown.variant.payload.type})</span>
                <pre className="mono">{shown.variant.payload.value}</pre>
              </div>
            )}
            <div className="eval-why">
              <div className="eval-why__title">Why</div>
              <ul data-testid="evaluation-why">
                {whyLines(shown.text).map((line, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: lines of one explanation
                  <li key={i} className={`why why--${line.tone}`}>
                    <span className="why__icon" aria-hidden="true">
                      {line.tone === 'ok' ? '✓' : line.tone === 'bad' ? '✗' : '•'}
                    </span>
                    {line.text}
                  </li>
                ))}
              </ul>
            </div>
          </>
        ) : (
          !error && <span className="muted small">Evaluating…</span>
        )}
      </div>
      <ErrorNotice error={error} title="Cannot evaluate" />
    </section>
  );
}
