import { NodeFilterError, selectNodes } from '@pont/sdk/node-filter';
import { type FormEvent, type ReactNode, useId, useMemo, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { type OptionValues, runJob } from '../api/jobs';
import type { EnvironmentSpec, Execution, JobOption, JobSpec, NodeSpec, Resource } from '../api/types';
import { EnvBadge } from '../components/badge';
import { ErrorNotice } from '../components/error-notice';
import { Icon } from '../components/icon';
import { plural } from '../lib/format';
import {
  delimiterOf,
  type FieldValue,
  initialValue,
  isChoiceList,
  optionType,
  requestValue,
  validateOption,
} from '../lib/job-options';

/**
 * The run form of a job, built from its options: defaults filled in, the server's checks made
 * while typing, and the server's own answer (422 details) shown next to the field it is about.
 */
export function RunForm({
  project,
  job,
  spec,
  environments,
  nodes,
  initialEnvironment,
  initialOptions,
  onStarted,
}: {
  project: string;
  job: string;
  spec: JobSpec;
  environments: Resource<EnvironmentSpec>[];
  nodes: Resource<NodeSpec>[] | undefined;
  initialEnvironment?: string | undefined;
  initialOptions?: Record<string, string>;
  onStarted(execution: Execution): void;
}) {
  const options = spec.options ?? [];
  const [values, setValues] = useState<Record<string, FieldValue>>(() =>
    Object.fromEntries(options.map((o) => [o.name, initialValue(o, initialOptions?.[o.name])])),
  );
  const firstOpen = environments.find((e) => !e.spec.protected)?.metadata.name;
  const [environment, setEnvironment] = useState(
    initialEnvironment && environments.some((e) => e.metadata.name === initialEnvironment)
      ? initialEnvironment
      : (firstOpen ?? environments[0]?.metadata.name ?? ''),
  );
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const problems = useMemo(() => {
    const found: Record<string, string> = {};
    for (const o of options) {
      const problem = validateOption(o, values[o.name] ?? '');
      if (problem) found[o.name] = problem;
    }
    return found;
  }, [options, values]);

  const setValue = (name: string, value: FieldValue) => {
    setValues((v) => ({ ...v, [name]: value }));
    setServerErrors(({ [name]: _, ...rest }) => rest);
  };
  const touch = (name: string) => setTouched((t) => (t.has(name) ? t : new Set(t).add(name)));

  const env = environments.find((e) => e.metadata.name === environment);
  const targets = useMemo(() => {
    if (spec.nodes?.local) return { text: 'on the pont server itself' };
    if (!nodes) return undefined;
    const inEnv = nodes
      .filter((n) => n.spec.environment === environment)
      .map((n) => ({
        name: n.metadata.name,
        hostname: n.spec.hostname,
        username: n.spec.username,
        executor: n.spec.executor,
        tags: n.spec.tags ?? [],
        attributes: n.spec.attributes ?? {},
      }));
    try {
      const chosen = selectNodes(inEnv, spec.nodes?.filter);
      return { count: chosen.length, names: chosen.map((n) => n.name) };
    } catch (e) {
      return { text: e instanceof NodeFilterError ? e.message : String(e) };
    }
  }, [nodes, environment, spec.nodes]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    setError(undefined);
    if (Object.keys(problems).length > 0) {
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    const body: OptionValues = {};
    for (const o of options) {
      const value = requestValue(values[o.name] ?? '');
      if (value !== undefined) body[o.name] = value;
    }
    setBusy(true);
    try {
      onStarted(await runJob(project, job, environment, body));
    } catch (e) {
      if (e instanceof ApiError && e.details.some((d) => d.path?.startsWith('options.'))) {
        const byField: Record<string, string> = {};
        for (const d of e.details) {
          const name = d.path?.startsWith('options.') ? d.path.slice('options.'.length) : undefined;
          if (name && options.some((o) => o.name === name)) byField[name] = d.message;
        }
        setServerErrors(byField);
        // Details about unknown fields still need a place: the notice below the form.
        if (Object.keys(byField).length < e.details.length) setError(e);
      } else {
        setError(e);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={formRef} className="card run-form" onSubmit={submit} noValidate aria-label={`Run ${job}`}>
      <fieldset className="env-picker">
        <legend>Environment</legend>
        <div className="env-picker__choices">
          {environments.map((e) => (
            <label
              key={e.metadata.name}
              className={`env-choice${e.metadata.name === environment ? ' env-choice--active' : ''}`}
            >
              <input
                type="radio"
                name="environment"
                value={e.metadata.name}
                checked={e.metadata.name === environment}
                onChange={() => setEnvironment(e.metadata.name)}
              />
              <EnvBadge name={e.metadata.name} color={e.spec.color} />
              {e.spec.protected && (
                <span className="env-choice__note">
                  <Icon name="lock" size={11} /> needs approval
                </span>
              )}
            </label>
          ))}
        </div>
        {environments.length === 0 && <p className="muted small">This project has no environments yet.</p>}
        {targets && (
          <p className="muted small env-picker__targets" data-testid="run-targets">
            {targets.text ??
              `Runs on ${plural(targets.count ?? 0, 'node')} of ${environment}${
                spec.nodes?.filter ? ` matching “${spec.nodes.filter}”` : ''
              }${targets.names?.length ? `: ${targets.names.slice(0, 6).join(', ')}${targets.names.length > 6 ? ', …' : ''}` : ''}`}
          </p>
        )}
        {env?.spec.protected && (
          <div className="notice notice--warn">
            <Icon name="lock" />
            <div className="notice__body">
              <strong>{environment}</strong> is protected: the run waits until another person with approval
              rights approves it.
            </div>
          </div>
        )}
      </fieldset>

      {options.length > 0 && (
        <div className="option-fields">
          {options.map((option) => (
            <OptionField
              key={option.name}
              option={option}
              value={values[option.name] ?? ''}
              error={
                serverErrors[option.name] ??
                (submitted || touched.has(option.name) ? problems[option.name] : undefined)
              }
              onChange={(v) => setValue(option.name, v)}
              onBlur={() => touch(option.name)}
            />
          ))}
        </div>
      )}
      {options.length === 0 && <p className="muted small">This job has no options.</p>}

      <ErrorNotice error={error} title="The run was refused" />
      <div className="form-actions">
        {submitted && Object.keys(problems).length > 0 && (
          <span className="form-actions__problem small">
            {plural(Object.keys(problems).length, 'option')} to fix before running
          </span>
        )}
        <button type="submit" className="btn btn--primary" disabled={busy || !environment}>
          <Icon name="play" size={12} />
          {busy
            ? 'Starting…'
            : env?.spec.protected
              ? `Request run in ${environment}`
              : `Run in ${environment}`}
        </button>
      </div>
    </form>
  );
}

function OptionField({
  option,
  value,
  error,
  onChange,
  onBlur,
}: {
  option: JobOption;
  value: FieldValue;
  error: string | undefined;
  onChange(value: FieldValue): void;
  onBlur(): void;
}) {
  const id = useId();
  const type = optionType(option);
  const label = option.label ?? option.name;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const hint = [
    option.description &&
      (/[.!?:)]$/.test(option.description) ? option.description : `${option.description}.`),
    option.secretRef && `Leave empty to use the value of secret ${option.secretRef.secret}.`,
    option.multiValued && !isChoiceList(option) && `Several values, separated by “${delimiterOf(option)}”.`,
    option.values?.length && !option.enforced && type !== 'enum' && `Suggested: ${option.values.join(', ')}.`,
  ]
    .filter(Boolean)
    .join(' ');
  const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ');
  const common = {
    id,
    name: option.name,
    'aria-invalid': error ? ('true' as const) : ('false' as const),
    ...(describedBy ? { 'aria-describedby': describedBy } : {}),
    onBlur,
  };
  const text = Array.isArray(value) ? value.join(delimiterOf(option)) : value;

  let control: ReactNode;
  if (type === 'boolean') {
    control = (
      <label className="option-check" htmlFor={id}>
        <input
          {...common}
          type="checkbox"
          checked={value === 'true'}
          onChange={(e) => {
            onChange(e.target.checked ? 'true' : 'false');
          }}
        />
        <span>{label}</span>
      </label>
    );
  } else if (isChoiceList(option)) {
    const chosen = Array.isArray(value) ? value : [];
    control = (
      <fieldset
        className="option-choices"
        aria-labelledby={`${id}-label`}
        {...(describedBy ? { 'aria-describedby': describedBy } : {})}
      >
        {(option.values ?? []).map((v) => (
          <label key={v} className="option-check">
            <input
              type="checkbox"
              checked={chosen.includes(v)}
              onBlur={onBlur}
              onChange={(e) => onChange(e.target.checked ? [...chosen, v] : chosen.filter((c) => c !== v))}
            />
            <span className="mono">{v}</span>
          </label>
        ))}
      </fieldset>
    );
  } else if ((type === 'enum' || option.enforced) && option.values?.length && !option.multiValued) {
    control = (
      <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
        {(!text || !option.values.includes(text)) && (
          <option value="">{option.required ? 'Choose…' : '(none)'}</option>
        )}
        {option.values.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    );
  } else {
    const listId = option.values?.length ? `${id}-values` : undefined;
    control = (
      <>
        <input
          {...common}
          type={type === 'secret' ? 'password' : 'text'}
          autoComplete={type === 'secret' ? 'new-password' : 'off'}
          inputMode={type === 'number' ? 'decimal' : undefined}
          spellCheck={false}
          placeholder={
            type === 'date'
              ? (option.dateFormat ?? '2026-12-31T23:00:00Z')
              : type === 'secret' && option.secretRef
                ? `from secret ${option.secretRef.secret}`
                : ''
          }
          value={text}
          list={listId}
          onChange={(e) => onChange(e.target.value)}
        />
        {listId && (
          <datalist id={listId}>
            {(option.values ?? []).map((v) => (
              <option key={v} value={v} />
            ))}
          </datalist>
        )}
      </>
    );
  }

  return (
    <div className={`option-field${error ? ' option-field--invalid' : ''}`} data-option={option.name}>
      {type !== 'boolean' && (
        <label className="option-field__label" htmlFor={id} id={`${id}-label`}>
          {label}
          {option.required && (
            <span className="required" title="required">
              *
            </span>
          )}
          {option.label && option.label !== option.name && (
            <code className="option-field__name">{option.name}</code>
          )}
          {type === 'secret' && (
            <span className="option-field__tag">
              <Icon name="key" size={10} /> secret
            </span>
          )}
        </label>
      )}
      {control}
      {hint && (
        <div className="option-field__hint" id={hintId}>
          {hint}
        </div>
      )}
      {error && (
        <div className="option-field__error" id={errorId} data-testid="option-error">
          <Icon name="alert" size={12} /> {error}
        </div>
      )}
    </div>
  );
}
