import { useState } from 'react';
import { type Execution, FINAL_STATES } from '../api/types';
import { niceCeiling } from '../lib/run-stats';
import { formatDuration, formatTime, relativeTime } from '../lib/time';
import { StateBadge } from './state-badge';

const HEIGHT = 100;

/**
 * Recent executions of one job as bars, oldest on the left: height is the duration, colour the
 * outcome. The bars are an SVG stretched to the width; the axis is plain text beside it.
 */
export function DurationChart({
  executions,
  onOpen,
}: {
  /** Newest first, as the API lists them. */
  executions: Execution[];
  onOpen(execution: Execution): void;
}) {
  const [hover, setHover] = useState<Execution>();
  const now = Date.now();
  const bars = [...executions].reverse();
  const duration = (e: Execution) =>
    e.durationMs ?? (e.startedAt && !FINAL_STATES.has(e.state) ? now - Date.parse(e.startedAt) : undefined);
  const max = niceCeiling(Math.max(0, ...bars.map((e) => duration(e) ?? 0)));
  const slots = Math.max(bars.length, 20);
  const ticks = [max, max / 2, 0];
  const shown = hover ?? executions[0];

  return (
    <div className="duration-chart">
      <div className="duration-chart__plot">
        <div className="duration-chart__axis" aria-hidden="true">
          {ticks.map((t) => (
            <span key={t}>{t === 0 ? '0' : formatDuration(t)}</span>
          ))}
        </div>
        <svg
          className="duration-chart__svg"
          viewBox={`0 0 ${slots * 10} ${HEIGHT}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={`Durations of the last ${bars.length} executions`}
          data-testid="duration-chart"
        >
          {[0.5, 1].map((f) => (
            <line
              key={f}
              x1={0}
              x2={slots * 10}
              y1={HEIGHT - f * HEIGHT}
              y2={HEIGHT - f * HEIGHT}
              className="duration-chart__grid"
              vectorEffect="non-scaling-stroke"
            />
          ))}
          {bars.map((e, i) => {
            const d = duration(e);
            const h = d === undefined ? 3 : Math.max(2, (d / max) * HEIGHT);
            return (
              // biome-ignore lint/a11y/noStaticElementInteractions: the table below lists the same executions as links
              <g
                key={e.id}
                className={`duration-chart__bar bar--${e.state}${hover?.id === e.id ? ' bar--hover' : ''}`}
                onMouseEnter={() => setHover(e)}
                onMouseLeave={() => setHover(undefined)}
                onClick={() => onOpen(e)}
                data-state={e.state}
              >
                <rect
                  x={(slots - bars.length + i) * 10}
                  y={0}
                  width={10}
                  height={HEIGHT}
                  className="bar__hit"
                />
                <rect x={(slots - bars.length + i) * 10 + 1.5} y={HEIGHT - h} width={7} height={h} />
                <title>
                  {`${e.state} · ${d !== undefined ? formatDuration(d) : 'not started'} · ${formatTime(e.createdAt)} · ${e.environment}`}
                </title>
              </g>
            );
          })}
        </svg>
      </div>
      <div className="duration-chart__caption small">
        {shown ? (
          <>
            <span className="muted">{hover ? 'Hovered:' : 'Latest:'}</span>
            <StateBadge state={shown.state} />
            <span className="strong">{formatDuration(duration(shown)) || '—'}</span>
            <span className="muted">
              {formatTime(shown.createdAt)} ({relativeTime(shown.createdAt)}) · {shown.environment} ·{' '}
              {shown.requestedBy}
            </span>
          </>
        ) : (
          <span className="muted">No executions of this job yet.</span>
        )}
      </div>
    </div>
  );
}
