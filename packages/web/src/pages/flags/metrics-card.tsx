import { useState } from 'react';
import { getMetrics, type MetricPeriod, type MetricPoint, type OverviewEnvironment } from '../../api/flags';
import { EnvBadge } from '../../components/badge';
import { ErrorNotice } from '../../components/error-notice';
import { type MetricSlot, metricSlots } from '../../lib/flags';
import { plural } from '../../lib/format';
import { niceCeiling } from '../../lib/run-stats';
import { useInterval } from '../../lib/use-interval';
import { useQuery } from '../../lib/use-query';
import { variantColor } from './variant-editor';

const RANGES: Array<{ id: string; label: string; period: MetricPeriod; since: string }> = [
  { id: '1h', label: 'last hour, per minute', period: 'minute', since: '1h' },
  { id: '6h', label: 'last 6 hours, per minute', period: 'minute', since: '6h' },
  { id: '24h', label: 'last 24 hours, per hour', period: 'hour', since: '24h' },
  { id: '7d', label: 'last 7 days, per hour', period: 'hour', since: '7d' },
];

const HEIGHT = 120;
const pad = (n: number) => String(n).padStart(2, '0');

function slotLabel(time: number, period: MetricPeriod): string {
  const d = new Date(time);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return period === 'minute' ? hm : `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
}

function compact(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 10_000) return `${Math.round(n / 1000)}k`;
  if (n >= 1000) return `${(n / 1000).toFixed(1)}k`;
  return String(n);
}

/**
 * What SDKs reported: yes/no counts (or variant counts) per minute or hour as stacked bars, with
 * the totals and the applications that reported. Refreshes every half minute.
 */
export function MetricsCard({
  project,
  flag,
  environments,
}: {
  project: string;
  flag: string;
  environments: OverviewEnvironment[];
}) {
  const [rangeId, setRangeId] = useState('1h');
  const [environment, setEnvironment] = useState('');
  const [view, setView] = useState<'yes-no' | 'variants'>('yes-no');
  const [hover, setHover] = useState<MetricSlot>();
  const range = RANGES.find((r) => r.id === rangeId) ?? RANGES[0];
  const period = range?.period ?? 'minute';
  const metrics = useQuery(`flags:${project}:metrics:${flag}:${rangeId}:${environment}`, () =>
    getMetrics(project, flag, {
      period,
      since: range?.since ?? '1h',
      ...(environment ? { environment } : {}),
    }),
  );
  useInterval(() => void metrics.reload(), 30_000);
  const data = metrics.data;
  const slots = data
    ? metricSlots(data.items, { period, since: Date.parse(data.since), now: Date.now() })
    : [];
  const variantNames = data
    ? Object.entries(data.totals.variants)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([name]) => name)
    : [];
  const totalOf = (s: MetricSlot) =>
    view === 'yes-no' ? s.yes + s.no : Object.values(s.variants).reduce((a, b) => a + b, 0);
  const max = niceCeiling(Math.max(0, ...slots.map(totalOf)));
  const evaluations = data ? data.totals.yes + data.totals.no : 0;
  const yesRate = evaluations ? Math.round((data?.totals.yes ?? 0) / (evaluations / 100)) : undefined;
  const width = Math.max(slots.length, 1) * 10;
  const middle = slots[Math.floor(slots.length / 2)];

  return (
    <section className="card chart-card flag-metrics" aria-label="Metrics">
      <div className="chart-card__head">
        <div className="filters flag-metrics__controls">
          <label className="field field--inline">
            <span>Range</span>
            <select aria-label="Metrics range" value={rangeId} onChange={(e) => setRangeId(e.target.value)}>
              {RANGES.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.label}
                </option>
              ))}
            </select>
          </label>
          <label className="field field--inline">
            <span>Environment</span>
            <select
              aria-label="Metrics environment"
              value={environment}
              onChange={(e) => setEnvironment(e.target.value)}
            >
              <option value="">all</option>
              {environments.map((e) => (
                <option key={e.name}>{e.name}</option>
              ))}
            </select>
          </label>
          <div className="chips">
            {(
              [
                ['yes-no', 'Yes / no'],
                ['variants', 'Variants'],
              ] as const
            ).map(([value, label]) => (
              <button
                key={value}
                type="button"
                className={`chip chip--button${view === value ? ' chip--active' : ''}`}
                aria-pressed={view === value}
                onClick={() => setView(value)}
              >
                {label}
              </button>
            ))}
          </div>
        </div>
        <dl className="stats" data-testid="metrics-stats">
          <div>
            <dt>Evaluations</dt>
            <dd>{data ? compact(evaluations) : '—'}</dd>
          </div>
          <div>
            <dt>Yes</dt>
            <dd>{yesRate === undefined ? '—' : `${yesRate} %`}</dd>
          </div>
          <div>
            <dt>Applications</dt>
            <dd title={data?.apps.join(', ')}>{data ? data.apps.length : '—'}</dd>
          </div>
        </dl>
      </div>
      <ErrorNotice error={metrics.error} title="Cannot read the metrics" />
      <div className="duration-chart__plot flag-chart__plot">
        <div className="duration-chart__axis" aria-hidden="true">
          <span>{compact(max)}</span>
          <span>{compact(max / 2)}</span>
          <span>0</span>
        </div>
        <svg
          className="duration-chart__svg"
          viewBox={`0 0 ${width} ${HEIGHT}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={`${view === 'yes-no' ? 'Yes and no' : 'Variant'} counts per ${period}`}
          data-testid="metrics-chart"
        >
          {[0.5, 1].map((f) => (
            <line
              key={f}
              x1={0}
              x2={width}
              y1={HEIGHT - f * HEIGHT}
              y2={HEIGHT - f * HEIGHT}
              className="duration-chart__grid"
              vectorEffect="non-scaling-stroke"
            />
          ))}
          {slots.map((s, i) => {
            const parts =
              view === 'yes-no'
                ? [
                    { key: 'yes', n: s.yes, className: 'metric--yes' },
                    { key: 'no', n: s.no, className: 'metric--no' },
                  ]
                : variantNames.map((name, k) => ({
                    key: name,
                    n: s.variants[name] ?? 0,
                    className: '',
                    fill: variantColor(k),
                  }));
            let y = HEIGHT;
            return (
              // biome-ignore lint/a11y/noStaticElementInteractions: hover shows the slot's counts; the totals are text beside
              <g
                key={s.time}
                className={`metric-slot${hover?.time === s.time ? ' metric-slot--hover' : ''}`}
                onMouseEnter={() => setHover(s)}
                onMouseLeave={() => setHover(undefined)}
                data-total={totalOf(s)}
              >
                <rect x={i * 10} y={0} width={10} height={HEIGHT} className="bar__hit" />
                {parts.map((p) => {
                  if (p.n <= 0) return null;
                  const h = Math.max(1, (p.n / max) * HEIGHT);
                  y -= h;
                  return (
                    <rect
                      key={p.key}
                      x={i * 10 + 1}
                      y={y}
                      width={8}
                      height={h}
                      className={p.className}
                      {...('fill' in p ? { fill: p.fill } : {})}
                    />
                  );
                })}
                <title>{slotText(s, period)}</title>
              </g>
            );
          })}
        </svg>
      </div>
      <div className="flag-chart__times muted small" aria-hidden="true">
        <span>{slots[0] ? slotLabel(slots[0].time, period) : ''}</span>
        <span>{middle ? slotLabel(middle.time, period) : ''}</span>
        <span>{slots.length ? slotLabel(slots[slots.length - 1]?.time ?? 0, period) : ''}</span>
      </div>
      <div className="flag-chart__caption small">
        {hover ? (
          <span>{slotText(hover, period)}</span>
        ) : view === 'yes-no' ? (
          <span className="flag-chart__legend">
            <span>
              <i className="legend-swatch metric--yes" /> yes {compact(data?.totals.yes ?? 0)}
            </span>
            <span>
              <i className="legend-swatch metric--no" /> no {compact(data?.totals.no ?? 0)}
            </span>
            {data && data.apps.length > 0 && (
              <span className="muted">
                {plural(data.apps.length, 'application')}: {data.apps.join(', ')}
              </span>
            )}
            {data && evaluations === 0 && (
              <span className="muted">No SDK reported evaluations of this flag in this range.</span>
            )}
          </span>
        ) : (
          <span className="flag-chart__legend">
            {variantNames.length === 0 && (
              <span className="muted">No variant was reported in this range.</span>
            )}
            {variantNames.map((name, k) => (
              <span key={name}>
                <i className="legend-swatch" style={{ background: variantColor(k) }} /> {name}{' '}
                {compact(data?.totals.variants[name] ?? 0)}
              </span>
            ))}
          </span>
        )}
      </div>
      {data && !environment && evaluations > 0 && (
        <table className="table table--compact flag-metrics__envs" aria-label="Evaluations per environment">
          <thead>
            <tr>
              <th>Environment</th>
              <th className="num">Evaluations</th>
              <th className="num">Yes</th>
              <th className="num">No</th>
              <th className="num">Yes %</th>
            </tr>
          </thead>
          <tbody>
            {perEnvironment(data.items, environments).map((row) => (
              <tr key={row.environment}>
                <td>
                  <EnvBadge name={row.environment} color={row.color} />
                </td>
                <td className="num">{row.yes + row.no}</td>
                <td className="num">{row.yes}</td>
                <td className="num">{row.no}</td>
                <td className="num">
                  {row.yes + row.no ? `${Math.round((row.yes / (row.yes + row.no)) * 100)} %` : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Totals per environment, in promotion order, for the environments that reported. */
function perEnvironment(items: MetricPoint[], environments: OverviewEnvironment[]) {
  const totals = new Map<string, { yes: number; no: number }>();
  for (const item of items) {
    const t = totals.get(item.environment) ?? { yes: 0, no: 0 };
    t.yes += item.yes;
    t.no += item.no;
    totals.set(item.environment, t);
  }
  const order = environments.map((e) => e.name);
  return [...totals.entries()]
    .sort(([a], [b]) => (order.indexOf(a) + 1 || 999) - (order.indexOf(b) + 1 || 999))
    .map(([environment, t]) => ({
      environment,
      color: environments.find((e) => e.name === environment)?.color,
      ...t,
    }));
}

function slotText(s: MetricSlot, period: MetricPeriod): string {
  const total = s.yes + s.no;
  const variants = Object.entries(s.variants)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
  return `${slotLabel(s.time, period)} — ${s.yes} yes, ${s.no} no${total ? ` (${Math.round((s.yes / total) * 100)}% yes)` : ''}${variants ? `; ${variants}` : ''}`;
}
