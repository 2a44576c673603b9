import { useState } from 'react';
import type { Constraint, FlagEnvironment, FlagStrategy } from '../../api/flags';
import { Icon } from '../../components/icon';
import {
  CASE_INSENSITIVE_OPERATORS,
  LIST_PARAMETER,
  MULTI_VALUE_OPERATORS,
  newStrategy,
  OPERATOR_GROUPS,
  STRATEGY_INFO,
  STRATEGY_NAMES,
  splitList,
  valuePlaceholder,
  withOperator,
} from '../../lib/flags';
import { FieldProblems, FlagSwitch, Section } from './common';
import { ValuesInput } from './values-input';
import { VariantEditor } from './variant-editor';

type Problems = Record<string, string[]>;

/** One environment's configuration: on/off, strategies with constraints and segments, variants. */
export function EnvironmentEditor({
  environment,
  flagName,
  draft,
  onChange,
  segments,
  problems,
}: {
  environment: string;
  flagName: string;
  draft: FlagEnvironment;
  onChange(draft: FlagEnvironment): void;
  segments: string[];
  problems: Problems;
}) {
  const strategies = draft.strategies ?? [];
  const variants = draft.variants ?? [];
  const setStrategies = (next: FlagStrategy[]) => onChange({ ...draft, strategies: next });
  const updateStrategy = (i: number, s: FlagStrategy) =>
    setStrategies(strategies.map((x, j) => (j === i ? s : x)));
  const move = (i: number, by: number) => {
    const next = [...strategies];
    const [s] = next.splice(i, 1);
    if (s) next.splice(i + by, 0, s);
    setStrategies(next);
  };
  const active = strategies.filter((s) => !s.disabled).length;

  return (
    <div className="env-editor" data-testid="environment-editor">
      <div className="env-editor__enabled">
        <FlagSwitch
          size="large"
          checked={draft.enabled}
          label={`Enabled in ${environment}`}
          onChange={(enabled) => onChange({ ...draft, enabled })}
        />
        <div>
          <div className="strong">{draft.enabled ? `On in ${environment}` : `Off in ${environment}`}</div>
          <div className="muted small">
            {draft.enabled
              ? active === 0
                ? 'No active strategy: on for everyone.'
                : 'On for a context when any active strategy below matches.'
              : 'Every SDK sees the flag off here, whatever the strategies say.'}
          </div>
        </div>
      </div>

      <Section
        title={`Strategies (${strategies.length})`}
        hint="Tried in order; the first one that matches turns the flag on and may pick its own variants."
      >
        <FieldProblems problems={problems.strategies} />
        {strategies.length === 0 && (
          <p className="muted small flag-empty">No strategy: the flag is on for everyone when it is on.</p>
        )}
        {strategies.map((s, i) => (
          <StrategyCard
            // biome-ignore lint/suspicious/noArrayIndexKey: strategies are ordered and edited in place
            key={i}
            index={i}
            count={strategies.length}
            strategy={s}
            flagName={flagName}
            segments={segments}
            problems={problems}
            onChange={(next) => updateStrategy(i, next)}
            onMove={(by) => move(i, by)}
            onRemove={() => setStrategies(strategies.filter((_, j) => j !== i))}
          />
        ))}
        <AddStrategy onAdd={(name) => setStrategies([...strategies, newStrategy(name, flagName)])} />
      </Section>

      <Section
        title={`Variants (${variants.length})`}
        hint="What an enabled flag answers when no matching strategy has variants of its own. Weights are out of 100%."
      >
        <VariantEditor
          label={`Variants in ${environment}`}
          path="variants"
          variants={variants}
          problems={problems}
          onChange={(next) => onChange({ ...draft, variants: next })}
        />
      </Section>
    </div>
  );
}

function AddStrategy({ onAdd }: { onAdd(name: string): void }) {
  return (
    <label className="field field--inline add-strategy">
      <select
        className="add-strategy__select"
        aria-label="Add strategy"
        value=""
        onChange={(e) => e.target.value && onAdd(e.target.value)}
      >
        <option value="">+ Add strategy…</option>
        {STRATEGY_NAMES.filter((n) => !STRATEGY_INFO[n]?.legacy).map((n) => (
          <option key={n} value={n}>
            {STRATEGY_INFO[n]?.label} ({n}) — {STRATEGY_INFO[n]?.description}
          </option>
        ))}
        <optgroup label="Legacy">
          {STRATEGY_NAMES.filter((n) => STRATEGY_INFO[n]?.legacy).map((n) => (
            <option key={n} value={n}>
              {STRATEGY_INFO[n]?.label} ({n})
            </option>
          ))}
        </optgroup>
      </select>
    </label>
  );
}

function StrategyCard({
  index,
  count,
  strategy,
  flagName,
  segments,
  problems,
  onChange,
  onMove,
  onRemove,
}: {
  index: number;
  count: number;
  strategy: FlagStrategy;
  flagName: string;
  segments: string[];
  problems: Problems;
  onChange(s: FlagStrategy): void;
  onMove(by: number): void;
  onRemove(): void;
}) {
  const at = `strategies[${index}]`;
  const info = STRATEGY_INFO[strategy.name];
  const constraints = strategy.constraints ?? [];
  const variants = strategy.variants ?? [];
  const [showVariants, setShowVariants] = useState(variants.length > 0);
  const setParam = (key: string, value: string) =>
    onChange({ ...strategy, parameters: { ...(strategy.parameters ?? {}), [key]: value } });
  const setConstraints = (next: Constraint[]) => onChange({ ...strategy, constraints: next });
  const label = `Strategy ${index + 1}`;

  return (
    <section
      className={`strategy${strategy.disabled ? ' strategy--disabled' : ''}`}
      aria-label={label}
      data-testid="strategy"
    >
      <header className="strategy__head">
        <span className="strategy__index">#{index + 1}</span>
        <select
          aria-label={`${label} type`}
          className="strategy__type"
          value={strategy.name}
          onChange={(e) =>
            onChange({
              ...newStrategy(e.target.value, flagName),
              ...(strategy.title ? { title: strategy.title } : {}),
              ...(strategy.constraints ? { constraints: strategy.constraints } : {}),
              ...(strategy.segments ? { segments: strategy.segments } : {}),
              ...(strategy.variants ? { variants: strategy.variants } : {}),
            })
          }
        >
          {!info && <option value={strategy.name}>{strategy.name} (unknown)</option>}
          {STRATEGY_NAMES.map((n) => (
            <option key={n} value={n}>
              {STRATEGY_INFO[n]?.label}
            </option>
          ))}
        </select>
        <input
          className="strategy__title"
          aria-label={`${label} title`}
          placeholder="Title (optional)"
          value={strategy.title ?? ''}
          onChange={(e) => onChange({ ...strategy, title: e.target.value })}
        />
        <label className="inline-check" title="kept here but not served to SDKs">
          <input
            type="checkbox"
            checked={strategy.disabled === true}
            onChange={(e) => onChange({ ...strategy, disabled: e.target.checked })}
          />
          paused
        </label>
        <span className="strategy__tools">
          <button
            type="button"
            className="btn btn--ghost btn--small"
            aria-label={`Move ${label} up`}
            disabled={index === 0}
            onClick={() => onMove(-1)}
          >
            ↑
          </button>
          <button
            type="button"
            className="btn btn--ghost btn--small"
            aria-label={`Move ${label} down`}
            disabled={index === count - 1}
            onClick={() => onMove(1)}
          >
            ↓
          </button>
          <button
            type="button"
            className="btn btn--ghost btn--small btn--danger-text"
            aria-label={`Remove ${label}`}
            onClick={onRemove}
          >
            <Icon name="trash" size={14} />
          </button>
        </span>
      </header>
      <p className="strategy__what muted small">
        <code>{strategy.name}</code>
        {info ? ` — ${info.description}` : ' — not a strategy pont knows: SDKs skip it'}
      </p>
      <FieldProblems problems={[...(problems[at] ?? []), ...(problems[`${at}.name`] ?? [])]} />

      <StrategyParameters strategy={strategy} at={at} label={label} problems={problems} setParam={setParam} />

      <div className="strategy__block">
        <div className="strategy__block-title">
          Constraints <span className="muted">— all must match</span>
        </div>
        {constraints.map((c, k) => (
          <ConstraintRow
            // biome-ignore lint/suspicious/noArrayIndexKey: constraints are edited in place
            key={k}
            constraint={c}
            label={`${label} constraint ${k + 1}`}
            at={`${at}.constraints[${k}]`}
            problems={problems}
            onChange={(next) => setConstraints(constraints.map((x, j) => (j === k ? next : x)))}
            onRemove={() => setConstraints(constraints.filter((_, j) => j !== k))}
          />
        ))}
        <button
          type="button"
          className="btn btn--ghost btn--small"
          onClick={() => setConstraints([...constraints, { contextName: '', operator: 'IN', values: [] }])}
        >
          <Icon name="plus" size={12} /> Add constraint
        </button>
      </div>

      <div className="strategy__block">
        <div className="strategy__block-title">
          Segments <span className="muted">— reusable constraint lists, all must match</span>
        </div>
        {segments.length === 0 && (strategy.segments ?? []).length === 0 ? (
          <p className="muted small">
            No segment in this project (<code>kind: Segment</code>).
          </p>
        ) : (
          <div className="chips">
            {[...new Set([...segments, ...(strategy.segments ?? [])])].map((name) => {
              const on = (strategy.segments ?? []).includes(name);
              return (
                <button
                  key={name}
                  type="button"
                  className={`chip chip--button${on ? ' chip--active' : ''}`}
                  aria-pressed={on}
                  onClick={() =>
                    onChange({
                      ...strategy,
                      segments: on
                        ? (strategy.segments ?? []).filter((s) => s !== name)
                        : [...(strategy.segments ?? []), name],
                    })
                  }
                >
                  {on && <Icon name="check" size={11} />} {name}
                </button>
              );
            })}
          </div>
        )}
        {(strategy.segments ?? []).map((s, k) => (
          <FieldProblems key={s} problems={problems[`${at}.segments[${k}]`]} />
        ))}
      </div>

      <div className="strategy__block">
        <button
          type="button"
          className="expander strategy__block-title"
          aria-expanded={showVariants}
          onClick={() => setShowVariants(!showVariants)}
        >
          {showVariants ? '▾' : '▸'} Strategy variants ({variants.length}){' '}
          <span className="muted">— override the flag’s variants when this strategy matches</span>
        </button>
        {showVariants && (
          <VariantEditor
            label={`${label} variants`}
            path={`${at}.variants`}
            variants={variants}
            problems={problems}
            onChange={(next) => onChange({ ...strategy, variants: next })}
          />
        )}
      </div>
    </section>
  );
}

function StrategyParameters({
  strategy,
  at,
  label,
  problems,
  setParam,
}: {
  strategy: FlagStrategy;
  at: string;
  label: string;
  problems: Problems;
  setParam(key: string, value: string): void;
}) {
  const p = strategy.parameters ?? {};
  const list = LIST_PARAMETER[strategy.name];
  if (list) {
    return (
      <div className="strategy__params">
        <div className="field field--grow">
          <span>{list.label}</span>
          <ValuesInput
            label={`${label} ${list.label}`}
            placeholder={list.placeholder}
            values={splitList(p[list.name])}
            invalid={Boolean(problems[`${at}.parameters.${list.name}`])}
            onChange={(values) => setParam(list.name, values.join(','))}
          />
          <FieldProblems problems={problems[`${at}.parameters.${list.name}`]} />
        </div>
      </div>
    );
  }
  const percentKey =
    strategy.name === 'flexibleRollout'
      ? 'rollout'
      : strategy.name.startsWith('gradualRollout')
        ? 'percentage'
        : '';
  if (!percentKey) return null;
  const raw = p[percentKey];
  const percent = raw === undefined || raw === '' ? (percentKey === 'rollout' ? 100 : 0) : Number(raw);
  return (
    <div className="strategy__params">
      <div className="field rollout">
        <span>Rollout</span>
        <div className="rollout__row">
          <input
            type="range"
            min={0}
            max={100}
            step={1}
            aria-label={`${label} rollout slider`}
            value={Number.isFinite(percent) ? percent : 0}
            onChange={(e) => setParam(percentKey, e.target.value)}
            style={{ ['--fill' as string]: `${Number.isFinite(percent) ? percent : 0}%` }}
          />
          <span className="rollout__number">
            <input
              type="number"
              min={0}
              max={100}
              className="rollout__input"
              aria-label={`${label} rollout percentage`}
              value={raw === undefined ? '' : String(raw)}
              placeholder={percentKey === 'rollout' ? '100' : ''}
              onChange={(e) => setParam(percentKey, e.target.value)}
            />
            %
          </span>
        </div>
        <FieldProblems problems={problems[`${at}.parameters.${percentKey}`]} />
      </div>
      {strategy.name === 'flexibleRollout' && (
        <label className="field">
          <span>Stickiness</span>
          <input
            list="flag-stickiness"
            className="param-input"
            aria-label={`${label} stickiness`}
            placeholder="default"
            value={String(p.stickiness ?? '')}
            onChange={(e) => setParam('stickiness', e.target.value)}
          />
          <FieldProblems problems={problems[`${at}.parameters.stickiness`]} />
        </label>
      )}
      {strategy.name !== 'gradualRolloutRandom' && (
        <label className="field">
          <span>Group ID</span>
          <input
            className="param-input"
            aria-label={`${label} group ID`}
            placeholder="the flag name"
            value={String(p.groupId ?? '')}
            onChange={(e) => setParam('groupId', e.target.value)}
          />
          <FieldProblems problems={problems[`${at}.parameters.groupId`]} />
        </label>
      )}
    </div>
  );
}

function ConstraintRow({
  constraint,
  label,
  at,
  problems,
  onChange,
  onRemove,
}: {
  constraint: Constraint;
  label: string;
  at: string;
  problems: Problems;
  onChange(c: Constraint): void;
  onRemove(): void;
}) {
  const multi = MULTI_VALUE_OPERATORS.has(constraint.operator);
  const here = [
    ...(problems[at] ?? []),
    ...(problems[`${at}.contextName`] ?? []),
    ...(problems[`${at}.operator`] ?? []),
  ];
  const valueProblems = Object.entries(problems)
    .filter(([path]) => path === `${at}.value` || path.startsWith(`${at}.values`))
    .flatMap(([, messages]) => messages);
  return (
    <div className="constraint" data-testid="constraint">
      <div className="constraint__row">
        <input
          className="constraint__field mono"
          list="flag-context-fields"
          aria-label={`${label} context field`}
          placeholder="context field"
          value={constraint.contextName}
          onChange={(e) => onChange({ ...constraint, contextName: e.target.value })}
        />
        <label className="inline-check constraint__not" title="inverted: negate the result">
          <input
            type="checkbox"
            aria-label={`${label} inverted`}
            checked={constraint.inverted === true}
            onChange={(e) => onChange({ ...constraint, inverted: e.target.checked })}
          />
          not
        </label>
        <select
          className="constraint__operator"
          aria-label={`${label} operator`}
          value={constraint.operator}
          onChange={(e) => onChange(withOperator(constraint, e.target.value))}
        >
          {OPERATOR_GROUPS.map((g) => (
            <optgroup key={g.label} label={g.label}>
              {g.operators.map((o) => (
                <option key={o.op} value={o.op}>
                  {o.label} ({o.op})
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        <div className="constraint__values">
          {multi ? (
            <ValuesInput
              label={`${label} values`}
              placeholder={valuePlaceholder(constraint.operator)}
              values={constraint.values ?? []}
              invalid={valueProblems.length > 0}
              onChange={(values) => onChange({ ...constraint, values })}
            />
          ) : (
            <input
              className={`mono constraint__value${valueProblems.length ? ' input--invalid' : ''}`}
              aria-label={`${label} value`}
              placeholder={valuePlaceholder(constraint.operator)}
              value={constraint.value ?? ''}
              onChange={(e) => onChange({ ...constraint, value: e.target.value })}
            />
          )}
        </div>
        {CASE_INSENSITIVE_OPERATORS.has(constraint.operator) && (
          <label className="inline-check" title="ignore upper and lower case">
            <input
              type="checkbox"
              aria-label={`${label} case-insensitive`}
              checked={constraint.caseInsensitive === true}
              onChange={(e) => onChange({ ...constraint, caseInsensitive: e.target.checked })}
            />
            Aa
          </label>
        )}
        <button
          type="button"
          className="btn btn--ghost btn--small"
          aria-label={`Remove ${label}`}
          onClick={onRemove}
        >
          ×
        </button>
      </div>
      <FieldProblems problems={[...here, ...valueProblems]} />
    </div>
  );
}
