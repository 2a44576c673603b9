import { stringify } from 'yaml';
import { UsageError } from './exit-codes.js';

export type OutputFormat = 'table' | 'yaml' | 'json' | 'name';

export function parseOutput(value: string | undefined, fallback: OutputFormat = 'table'): OutputFormat {
  const format = (value ?? fallback) as OutputFormat;
  if (!['table', 'yaml', 'json', 'name', 'wide'].includes(format)) {
    throw new UsageError(`invalid output format "${value}": expected table, yaml, json or name`);
  }
  return format;
}

export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}

export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Aligned columns like kubectl: headers in capitals, two spaces between columns. */
export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(headers), ...rows.map(line)].join('\n')}\n`;
}

/** `5s`, `3m`, `2h`, `4d` since a time, as kubectl prints AGE. */
export function age(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '';
  const seconds = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** Milliseconds as a short human duration: 850ms, 12.3s, 4m05s. */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${m}m${String(s).padStart(2, '0')}s`;
}
