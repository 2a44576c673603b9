/**
 * Rundeck schedules are Quartz cron expressions: seven fields, `seconds minutes hours
 * day-of-month month day-of-week [year]`, with `?` for "no specific value", day-of-week 1-7
 * meaning SUN-SAT, and the specials `L`, `W` and `#`. pont takes five fields (minute hour day
 * month weekday, weekday 0-6 = SUN-SAT), or six with seconds first. This converts what has an
 * exact equivalent and names what does not.
 */

export interface CronConversion {
  /** The pont cron, when the expression could be represented exactly. */
  cron?: string;
  /** Why it could not be (empty when `cron` is set). */
  problems: string[];
}

interface FieldSpec {
  label: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** First name's number (JAN = 1, SUN = 1 in Quartz). */
  nameBase?: number;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

const SECONDS: FieldSpec = { label: 'seconds', min: 0, max: 59 };
const MINUTES: FieldSpec = { label: 'minutes', min: 0, max: 59 };
const HOURS: FieldSpec = { label: 'hours', min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { label: 'day of month', min: 1, max: 31 };
const MONTH: FieldSpec = { label: 'month', min: 1, max: 12, names: MONTHS, nameBase: 1 };
const DAY_OF_WEEK: FieldSpec = { label: 'day of week', min: 1, max: 7, names: DAYS, nameBase: 1 };

/** Converts one Quartz expression (6 or 7 fields; Rundeck ignores anything past the 7th). */
export function quartzToCron(expression: string): CronConversion {
  const fields = expression
    .trim()
    .split(/\s+/)
    .filter((f) => f !== '');
  if (fields.length < 6 || fields.length > 7) {
    return {
      problems: [
        `"${expression}" is not a Quartz cron expression: expected 6 or 7 fields, got ${fields.length}`,
      ],
    };
  }
  const [sec, min, hour, dom, month, dow, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  const problems: string[] = [];
  const out = {
    seconds: convertField(sec, SECONDS, problems),
    minutes: convertField(min, MINUTES, problems),
    hours: convertField(hour, HOURS, problems),
    dom: convertField(dom, DAY_OF_MONTH, problems),
    month: convertField(month, MONTH, problems),
    // Quartz 1-7 (SUN-SAT) becomes 0-6.
    dow: convertField(dow, DAY_OF_WEEK, problems, -1),
  };
  const restricted = (field: string) => field !== '?' && field !== '*';
  if (restricted(dom) && restricted(dow)) {
    // Quartz refuses this; cron would run on either day, which is not what was written.
    problems.push(
      `day of month "${dom}" and day of week "${dow}" are both set; Quartz needs one of them to be "?"`,
    );
  }
  if (year !== undefined && year !== '*' && year !== '?') {
    problems.push(
      `year "${year}": pont schedules repeat every year; a year restriction cannot be represented`,
    );
  }
  if (problems.length > 0) return { problems };
  const five = `${out.minutes} ${out.hours} ${out.dom} ${out.month} ${out.dow}`;
  return { cron: out.seconds === '0' ? five : `${out.seconds} ${five}`, problems: [] };
}

/** Builds the Quartz expression Rundeck derives from a structured schedule (ScheduledExecution.fromMap). */
export function structuredToQuartz(parts: {
  seconds?: string;
  minute?: string;
  hour?: string;
  dayOfMonth?: string;
  month?: string;
  dayOfWeek?: string;
  year?: string;
}): string {
  let dom = '?';
  let dow = '*';
  if (parts.dayOfMonth !== undefined && parts.dayOfMonth !== '' && parts.dayOfMonth !== '?') {
    dom = parts.dayOfMonth;
    dow = '?';
  } else if (parts.dayOfWeek !== undefined && parts.dayOfWeek !== '') {
    dow = parts.dayOfWeek;
  }
  const or = (value: string | undefined, fallback: string) =>
    value === undefined || value === '' ? fallback : value;
  return [
    or(parts.seconds, '0'),
    or(parts.minute, '0'),
    or(parts.hour, '0'),
    dom,
    or(parts.month, '*'),
    dow,
    or(parts.year, '*'),
  ].join(' ');
}

function convertField(field: string, spec: FieldSpec, problems: string[], shift = 0): string {
  if (field === '?' || field === '*') return '*';
  const items = field.split(',');
  const converted: string[] = [];
  for (const item of items) {
    const result = convertItem(item.toUpperCase(), spec, shift);
    if (typeof result === 'string') converted.push(result);
    else {
      problems.push(`${spec.label} "${field}": ${result.problem}`);
      return field;
    }
  }
  return converted.join(',');
}

function convertItem(item: string, spec: FieldSpec, shift: number): string | { problem: string } {
  const withoutNames = spec.names
    ? item.replace(/[A-Z]{3}/g, (n) => (spec.names?.includes(n) ? '0' : n))
    : item;
  if (/[LW#]/.test(withoutNames)) {
    const meaning = item.includes('#')
      ? 'the n-th weekday of the month (#)'
      : item.includes('W')
        ? 'the nearest weekday (W)'
        : 'the last day (L)';
    return { problem: `${meaning} has no equivalent in pont's cron` };
  }
  const [rangePart, stepPart, extra] = item.split('/');
  if (extra !== undefined || rangePart === undefined || rangePart === '')
    return { problem: `"${item}" is not a valid item` };
  let step: number | undefined;
  if (stepPart !== undefined) {
    if (!/^\d+$/.test(stepPart) || Number(stepPart) === 0) return { problem: `invalid step "${stepPart}"` };
    step = Number(stepPart);
  }
  const suffix = step === undefined ? '' : `/${step}`;
  if (rangePart === '*' || rangePart === '?') return `*${suffix}`;
  const bounds = rangePart.split('-');
  if (bounds.length > 2) return { problem: `"${item}" is not a valid range` };
  const values: number[] = [];
  for (const bound of bounds) {
    const value = numberOf(bound, spec);
    if (value === undefined) return { problem: `"${bound}" is out of range ${spec.min}-${spec.max}` };
    values.push(value);
  }
  const low = values[0] as number;
  // Quartz `a/n` means from a to the end of the range, every n.
  const high = values[1] ?? (step === undefined ? undefined : spec.max);
  const out = (n: number) => String(n + shift);
  if (high === undefined) return out(low);
  if (low <= high) return `${out(low)}-${out(high)}${suffix}`;
  // A range that wraps (FRI-MON, 22-2): two ranges; a step across the wrap has no equivalent.
  if (step !== undefined) return { problem: `wrapping range "${rangePart}" with a step has no equivalent` };
  return `${out(low)}-${out(spec.max)},${out(spec.min)}-${out(high)}`;
}

function numberOf(text: string, spec: FieldSpec): number | undefined {
  let value: number;
  if (/^\d+$/.test(text)) value = Number(text);
  else if (spec.names) {
    const index = spec.names.indexOf(text as never);
    if (index < 0) return undefined;
    value = index + (spec.nameBase ?? 0);
  } else return undefined;
  return value >= spec.min && value <= spec.max ? value : undefined;
}
