import type { FlagVariant, Payload } from '../../api/flags';
import { Icon } from '../../components/icon';
import { CONTEXT_FIELDS, STICKINESS, variantShares } from '../../lib/flags';
import { FieldProblems } from './common';
import { ValuesInput } from './values-input';

const COLORS = ['#2f6fdf', '#2f9e5f', '#e08a1e', '#8e44ad', '#d13f38', '#1595a8', '#c2185b', '#5d6d7e'];

export function variantColor(index: number): string {
  return COLORS[index % COLORS.length] ?? '#5d6d7e';
}

function formatPercent(p: number): string {
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`;
}

/** How evaluations split between variants: one bar, one segment per variant. */
export function WeightBar({ variants }: { variants: readonly FlagVariant[] }) {
  const shares = variantShares(variants);
  if (shares.length === 0) return null;
  const total = shares.reduce((a, s) => a + s.weight, 0);
  return (
    <div className="weight-bar" data-testid="weight-distribution">
      <div className="weight-bar__track" role="img" aria-label="Weight distribution">
        {shares.map((s, i) =>
          s.percent > 0 ? (
            <span
              // biome-ignore lint/suspicious/noArrayIndexKey: names may repeat while one types
              key={`${s.name}-${i}`}
              className="weight-bar__part"
              style={{ width: `${s.percent}%`, background: variantColor(i) }}
              title={`${s.name}: ${formatPercent(s.percent)} (weight ${s.weight}${s.fixed ? ', fixed' : ', shares the rest'})`}
            />
          ) : null,
        )}
      </div>
      <ul className="weight-bar__legend">
        {shares.map((s, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: names may repeat while one types
          <li key={`${s.name}-${i}`}>
            <span className="weight-bar__swatch" style={{ background: variantColor(i) }} />
            <span className="strong">{s.name || <em className="muted">unnamed</em>}</span>{' '}
            <span className="mono">{formatPercent(s.percent)}</span>
          </li>
        ))}
      </ul>
      {total !== 1000 && total > 0 && (
        <p className="muted small">
          Weights add up to {total} of 1000: each variant gets its weight over the total.
        </p>
      )}
      {total === 0 && <p className="flag-problem">Every weight is 0: no variant can be picked.</p>}
    </div>
  );
}

const PAYLOAD_TYPES: Array<Payload['type']> = ['string', 'json', 'csv', 'number'];

/**
 * Variants of a flag in one environment, or of one strategy: name, weight (fixed, or a share of
 * what fixed ones leave), stickiness, typed payload and overrides, with the split drawn above.
 */
export function VariantEditor({
  variants,
  onChange,
  problems,
  path,
  label,
}: {
  variants: FlagVariant[];
  onChange(variants: FlagVariant[]): void;
  problems: Record<string, string[]>;
  /** Editor path of the list, e.g. `variants` or `strategies[0].variants`. */
  path: string;
  label: string;
}) {
  const shares = variantShares(variants);
  const update = (i: number, patch: Partial<FlagVariant>) =>
    onChange(variants.map((v, j) => (j === i ? { ...v, ...patch } : v)));
  const clear = (i: number, key: keyof FlagVariant) =>
    onChange(
      variants.map((v, j) => {
        if (j !== i) return v;
        const { [key]: _removed, ...rest } = v;
        return rest as FlagVariant;
      }),
    );
  const add = () => {
    const taken = new Set(variants.map((v) => v.name));
    let n = variants.length + 1;
    while (taken.has(`variant-${n}`)) n++;
    onChange([...variants, { name: `variant-${n}` }]);
  };

  return (
    <div className="variants" data-label={label}>
      <WeightBar variants={variants} />
      <FieldProblems problems={problems[path]} />
      {variants.map((v, i) => {
        const at = `${path}[${i}]`;
        const share = shares[i];
        const name = v.name || `variant ${i + 1}`;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: variants are edited in place; names change as one types
          <div key={i} className="variant" data-testid="variant">
            <div className="variant__row">
              <span className="variant__swatch" style={{ background: variantColor(i) }} />
              <label className="field variant__name">
                <span>Name</span>
                <input
                  className="variant__control"
                  aria-label={`Variant ${i + 1} name`}
                  value={v.name}
                  onChange={(e) => update(i, { name: e.target.value })}
                />
              </label>
              <div className="field variant__weight">
                <span>Weight</span>
                <div className="variant__weight-row">
                  <label className="inline-check" title="a fixed share; the others share what is left">
                    <input
                      type="checkbox"
                      checked={v.weight !== undefined}
                      aria-label={`Fixed weight for ${name}`}
                      onChange={(e) =>
                        e.target.checked
                          ? update(i, { weight: share?.weight ?? 0, weightType: 'fix' })
                          : onChange(
                              variants.map((x, j) => {
                                if (j !== i) return x;
                                const { weight: _w, weightType: _t, ...rest } = x;
                                return rest;
                              }),
                            )
                      }
                    />
                    fixed
                  </label>
                  {v.weight !== undefined ? (
                    <span className="variant__percent">
                      <input
                        type="number"
                        min={0}
                        max={100}
                        step={0.1}
                        className="variant__percent-input"
                        aria-label={`Weight of ${name} in percent`}
                        value={v.weight / 10}
                        onChange={(e) =>
                          update(i, {
                            weight: Math.max(0, Math.min(1000, Math.round(Number(e.target.value) * 10))),
                            weightType: 'fix',
                          })
                        }
                      />
                      %
                    </span>
                  ) : (
                    <span className="muted small" title="shares what the fixed weights leave">
                      auto · {share ? formatPercent(share.percent) : ''}
                    </span>
                  )}
                </div>
              </div>
              <label className="field variant__stickiness">
                <span>Stickiness</span>
                <input
                  list="flag-stickiness"
                  placeholder="default"
                  className="variant__control"
                  aria-label={`Stickiness of ${name}`}
                  value={v.stickiness ?? ''}
                  onChange={(e) =>
                    e.target.value ? update(i, { stickiness: e.target.value }) : clear(i, 'stickiness')
                  }
                />
              </label>
              <label className="field variant__payload-type">
                <span>Payload</span>
                <select
                  className="variant__control"
                  aria-label={`Payload type of ${name}`}
                  value={v.payload?.type ?? ''}
                  onChange={(e) =>
                    e.target.value
                      ? update(i, {
                          payload: { type: e.target.value as Payload['type'], value: v.payload?.value ?? '' },
                        })
                      : clear(i, 'payload')
                  }
                >
                  <option value="">none</option>
                  {PAYLOAD_TYPES.map((t) => (
                    <option key={t}>{t}</option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                className="btn btn--ghost btn--small variant__remove"
                aria-label={`Remove variant ${name}`}
                onClick={() => onChange(variants.filter((_, j) => j !== i))}
              >
                <Icon name="trash" size={14} />
              </button>
            </div>
            <FieldProblems problems={problems[`${at}.name`]} />
            {v.payload && (
              <div className="field variant__payload">
                {v.payload.type === 'json' ? (
                  <textarea
                    className="mono variant__payload-value"
                    rows={3}
                    aria-label={`Payload value of ${name}`}
                    placeholder='{"color": "#00f"}'
                    value={v.payload.value}
                    onChange={(e) => update(i, { payload: { type: 'json', value: e.target.value } })}
                  />
                ) : (
                  <input
                    className="mono variant__payload-value"
                    aria-label={`Payload value of ${name}`}
                    value={v.payload.value}
                    onChange={(e) =>
                      update(i, { payload: { type: v.payload?.type ?? 'string', value: e.target.value } })
                    }
                  />
                )}
                <FieldProblems problems={problems[`${at}.payload.value`]} />
              </div>
            )}
            <div className="variant__overrides">
              {(v.overrides ?? []).map((o, k) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: overrides have no identity of their own
                <div key={k} className="override">
                  <span className="muted small">always when</span>
                  <input
                    className="override__field"
                    list="flag-context-fields"
                    aria-label={`Override ${k + 1} field of ${name}`}
                    placeholder="userId"
                    value={o.contextName}
                    onChange={(e) =>
                      update(i, {
                        overrides: (v.overrides ?? []).map((x, j) =>
                          j === k ? { ...x, contextName: e.target.value } : x,
                        ),
                      })
                    }
                  />
                  <span className="muted small">is one of</span>
                  <ValuesInput
                    label={`Override ${k + 1} values of ${name}`}
                    placeholder="42, then Enter"
                    values={o.values}
                    onChange={(values) =>
                      update(i, {
                        overrides: (v.overrides ?? []).map((x, j) => (j === k ? { ...x, values } : x)),
                      })
                    }
                  />
                  <button
                    type="button"
                    className="btn btn--ghost btn--small"
                    aria-label={`Remove override ${k + 1} of ${name}`}
                    onClick={() => update(i, { overrides: (v.overrides ?? []).filter((_, j) => j !== k) })}
                  >
                    ×
                  </button>
                </div>
              ))}
              <button
                type="button"
                className="btn btn--ghost btn--small"
                onClick={() =>
                  update(i, { overrides: [...(v.overrides ?? []), { contextName: 'userId', values: [] }] })
                }
              >
                <Icon name="plus" size={12} /> Override
              </button>
            </div>
          </div>
        );
      })}
      <button type="button" className="btn btn--small" onClick={add}>
        <Icon name="plus" size={12} /> Add variant
      </button>
    </div>
  );
}

/** Suggestions shared by every stickiness and context-field input of the page. */
export function FlagDatalists({ extraFields = [] }: { extraFields?: string[] }) {
  return (
    <>
      <datalist id="flag-stickiness">
        {STICKINESS.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      <datalist id="flag-context-fields">
        {[...new Set([...CONTEXT_FIELDS, ...extraFields])].map((f) => (
          <option key={f} value={f} />
        ))}
      </datalist>
    </>
  );
}
