const pad = (n: number) => String(n).padStart(2, '0');

/** Local wall-clock time, compact and sortable-looking: ops read many of these per screen. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function relativeTime(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '';
  const ms = new Date(iso).getTime() - now;
  const abs = Math.abs(ms);
  const units: Array<[number, string]> = [
    [86_400_000 * 365, 'y'],
    [86_400_000 * 30, 'mo'],
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  for (const [size, unit] of units) {
    if (abs >= size) {
      // Past times round down ("5 min ago" until it is 6); future ones to the nearest, so a
      // 30-day expiry reads "in 30 d" a second after creation, not "in 29 d".
      const n = ms < 0 ? Math.floor(abs / size) : Math.round(abs / size);
      return ms < 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
    }
  }
  return 'just now';
}

/** Durations as ops read them: 320 ms, 4.2 s, 3 min 12 s, 2 h 5 min. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) {
    const s = totalSeconds % 60;
    return `${Math.floor(totalSeconds / 60)} min${s ? ` ${s} s` : ''}`;
  }
  const totalMinutes = Math.round(ms / 60_000);
  if (totalMinutes < 1440) {
    const m = totalMinutes % 60;
    return `${Math.floor(totalMinutes / 60)} h${m ? ` ${m} min` : ''}`;
  }
  const h = Math.round(ms / 3_600_000) % 24;
  return `${Math.floor(ms / 86_400_000)} d${h ? ` ${h} h` : ''}`;
}
