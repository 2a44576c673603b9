import { useState } from 'react';
import { ApiError } from '../../api/client';
import {
  applyFlags,
  type FlagDependency,
  type FlagResource,
  type FlagSpec,
  type OverviewFlag,
} from '../../api/flags';
import { useToast } from '../../app/toast-context';
import { ErrorNotice } from '../../components/error-notice';
import { Icon } from '../../components/icon';
import { FLAG_LIFETIME_DAYS, FLAG_TYPE_HINTS, FLAG_TYPES, problemsByPath, sameJson } from '../../lib/flags';
import { announceOutcome, FieldProblems, invalidateFlags, Section } from './common';
import { ValuesInput } from './values-input';

interface Settings {
  description: string;
  type: string;
  lifetimeDays: string;
  stale: boolean;
  impressionData: boolean;
  dependencies: FlagDependency[];
}

function settingsOf(spec: FlagSpec): Settings {
  return {
    description: spec.description ?? '',
    type: spec.type ?? 'release',
    lifetimeDays: spec.lifetimeDays === undefined ? '' : String(spec.lifetimeDays),
    stale: spec.stale === true,
    impressionData: spec.impressionData === true,
    dependencies: spec.dependencies ?? [],
  };
}

function specWith(spec: FlagSpec, s: Settings): FlagSpec {
  const {
    description: _d,
    type: _t,
    lifetimeDays: _l,
    stale: _s,
    impressionData: _i,
    dependencies: _x,
    ...rest
  } = spec;
  const out: FlagSpec = { ...rest, type: s.type };
  if (s.description.trim()) out.description = s.description.trim();
  if (s.lifetimeDays.trim() !== '') out.lifetimeDays = Number(s.lifetimeDays);
  if (s.stale) out.stale = true;
  if (s.impressionData) out.impressionData = true;
  const deps = s.dependencies
    .filter((d) => d.flag)
    .map((d) => {
      const dep: FlagDependency = { flag: d.flag };
      if (d.enabled === false) dep.enabled = false;
      else if (d.variants?.length) dep.variants = d.variants;
      return dep;
    });
  if (deps.length) out.dependencies = deps;
  // Keep the key order of the stored spec, so an unchanged form compares equal.
  return Object.fromEntries(
    [...Object.keys(spec), ...Object.keys(out)]
      .filter((k, i, all) => all.indexOf(k) === i && k in out)
      .map((k) => [k, out[k as keyof FlagSpec]]),
  ) as FlagSpec;
}

/**
 * What the flag is rather than where it is on: description, type and lifetime, stale mark,
 * impression data and the flags it depends on. Saved as a whole Flag through flag-changes, with
 * its resourceVersion, so a concurrent edit is refused rather than overwritten.
 */
export function SettingsCard({
  project,
  flag,
  flags,
  onSaved,
}: {
  project: string;
  flag: FlagResource;
  flags: OverviewFlag[];
  onSaved(): void;
}) {
  const toast = useToast();
  const [form, setForm] = useState<Settings>(() => settingsOf(flag.spec));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const next = specWith(flag.spec, form);
  const dirty = !sameJson(next, flag.spec);
  const problems = error instanceof ApiError ? problemsByPath(error.details) : {};
  const parents = flags.filter((f) => f.name !== flag.metadata.name);
  const typeDays = FLAG_LIFETIME_DAYS[form.type];

  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const { results } = await applyFlags(project, [
        {
          apiVersion: 'pont/v1',
          kind: 'Flag',
          metadata: {
            project,
            name: flag.metadata.name,
            labels: flag.metadata.labels ?? {},
            ...(flag.metadata.annotations ? { annotations: flag.metadata.annotations } : {}),
            ...(flag.metadata.resourceVersion ? { resourceVersion: flag.metadata.resourceVersion } : {}),
          },
          spec: next,
        },
      ]);
      const outcome = results[0];
      if (outcome) announceOutcome(toast, outcome, `Settings of ${flag.metadata.name}`, 'Settings saved');
      invalidateFlags(project);
      onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const setDep = (i: number, patch: Partial<FlagDependency>) =>
    setForm({ ...form, dependencies: form.dependencies.map((d, j) => (j === i ? { ...d, ...patch } : d)) });

  return (
    <section className="card form-card flag-settings" aria-label="Settings">
      <div className="form-grid flag-settings__grid">
        <label className="field field--wide">
          <span>Description</span>
          <textarea
            rows={2}
            value={form.description}
            onChange={(e) => setForm({ ...form, description: e.target.value })}
          />
          <FieldProblems problems={problems.description} />
        </label>
        <label className="field">
          <span>Type</span>
          <select
            aria-label="Flag type"
            value={form.type}
            onChange={(e) => setForm({ ...form, type: e.target.value })}
          >
            {FLAG_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
          <span className="muted small">{FLAG_TYPE_HINTS[form.type]}</span>
        </label>
        <label className="field">
          <span>Expected lifetime (days)</span>
          <input
            type="number"
            min={0}
            aria-label="Expected lifetime in days"
            placeholder={
              typeDays === null || typeDays === undefined ? 'permanent' : `${typeDays} (the type's)`
            }
            value={form.lifetimeDays}
            onChange={(e) => setForm({ ...form, lifetimeDays: e.target.value })}
          />
          <span className="muted small">
            Empty: the type’s; 0: permanent. Past it, the flag shows as stale.
          </span>
          <FieldProblems problems={problems.lifetimeDays} />
        </label>
        <label className="field field--check field--wide">
          <input
            type="checkbox"
            checked={form.stale}
            onChange={(e) => setForm({ ...form, stale: e.target.checked })}
          />
          <span>Mark stale (ready to be removed from the code)</span>
        </label>
        <label className="field field--check field--wide">
          <input
            type="checkbox"
            checked={form.impressionData}
            onChange={(e) => setForm({ ...form, impressionData: e.target.checked })}
          />
          <span>Impression data (SDKs emit an event per evaluation)</span>
        </label>
      </div>

      <Section
        title={`Dependencies (${form.dependencies.length})`}
        hint="Flags that must be on (or off) first, in the same environment. One level: a parent cannot depend on others."
      >
        <FieldProblems problems={problems.dependencies} />
        {form.dependencies.map((d, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows edited in place
          <div key={i} className="dependency" data-testid="dependency">
            <select
              aria-label={`Dependency ${i + 1} flag`}
              value={d.flag}
              onChange={(e) => setDep(i, { flag: e.target.value })}
            >
              <option value="">choose a flag…</option>
              {parents.map((f) => (
                <option key={f.name} value={f.name}>
                  {f.name}
                </option>
              ))}
              {d.flag && !parents.some((f) => f.name === d.flag) && <option value={d.flag}>{d.flag}</option>}
            </select>
            <select
              aria-label={`Dependency ${i + 1} state`}
              value={d.enabled === false ? 'off' : 'on'}
              onChange={(e) =>
                e.target.value === 'off'
                  ? setDep(i, { enabled: false, variants: [] })
                  : setDep(i, { enabled: true })
              }
            >
              <option value="on">must be on</option>
              <option value="off">must be off</option>
            </select>
            {d.enabled !== false && (
              <ValuesInput
                label={`Dependency ${i + 1} variants`}
                placeholder="with variant… (optional)"
                values={d.variants ?? []}
                onChange={(variants) => setDep(i, { variants })}
              />
            )}
            <button
              type="button"
              className="btn btn--ghost btn--small"
              aria-label={`Remove dependency ${i + 1}`}
              onClick={() => setForm({ ...form, dependencies: form.dependencies.filter((_, j) => j !== i) })}
            >
              ×
            </button>
            <FieldProblems
              problems={[
                ...(problems[`dependencies[${i}]`] ?? []),
                ...(problems[`dependencies[${i}].flag`] ?? []),
              ]}
            />
          </div>
        ))}
        <button
          type="button"
          className="btn btn--ghost btn--small"
          onClick={() => setForm({ ...form, dependencies: [...form.dependencies, { flag: '' }] })}
        >
          <Icon name="plus" size={12} /> Add dependency
        </button>
      </Section>

      <ErrorNotice error={error} title="The settings were not saved" />
      <div className="form-actions">
        <button
          type="button"
          className="btn"
          disabled={!dirty || busy}
          onClick={() => setForm(settingsOf(flag.spec))}
        >
          Discard
        </button>
        <button type="button" className="btn btn--primary" disabled={!dirty || busy} onClick={save}>
          {busy ? 'Saving…' : 'Save settings'}
        </button>
      </div>
    </section>
  );
}
