import type { JobOption, OptionType } from '../api/types';

/**
 * The run form's model of a job option: the value being edited (text, or the chosen values of a
 * multi-valued option with allowed values), and the same checks the server makes before a run
 * (packages/server/src/modules/jobs/options.ts), so a bad value is refused while typing.
 */
export type FieldValue = string | string[];

export function optionType(option: JobOption): OptionType {
  return option.type ?? (option.values && option.enforced ? 'enum' : 'string');
}

/** Multi-valued options with allowed values are a list of checkboxes; the others a text. */
export function isChoiceList(option: JobOption): boolean {
  return Boolean(
    option.multiValued && option.values?.length && (option.enforced || optionType(option) === 'enum'),
  );
}

export function delimiterOf(option: JobOption): string {
  return option.delimiter ?? ',';
}

export function initialValue(option: JobOption, given?: string): FieldValue {
  const type = optionType(option);
  const raw = given ?? option.default;
  if (isChoiceList(option)) {
    if (Array.isArray(raw)) return raw.map(String);
    if (raw === undefined || raw === '') return [];
    return String(raw)
      .split(delimiterOf(option))
      .map((v) => v.trim())
      .filter(Boolean);
  }
  if (type === 'boolean') return /^(true|yes|1|on)$/i.test(String(raw ?? false)) ? 'true' : 'false';
  if (Array.isArray(raw)) return raw.join(delimiterOf(option));
  return raw === undefined ? '' : String(raw);
}

function listOf(option: JobOption, value: FieldValue): string[] {
  if (Array.isArray(value)) return value;
  if (value === '') return [];
  if (option.multiValued) return value.split(delimiterOf(option)).map((v) => v.trim());
  return [value];
}

function checkValue(option: JobOption, type: OptionType, value: string): string | undefined {
  const shown = type === 'secret' ? 'the value' : `"${value}"`;
  switch (type) {
    case 'number':
      if (value.trim() === '' || Number.isNaN(Number(value))) return `${shown} is not a number`;
      break;
    case 'boolean':
      if (!/^(true|false|yes|no|1|0|on|off)$/i.test(value)) return `${shown} is not true or false`;
      break;
    case 'date':
      if (Number.isNaN(Date.parse(value)))
        return `${shown} is not a date (ISO 8601, e.g. 2026-12-31T23:00:00Z)`;
      break;
    case 'enum':
      if (!(option.values ?? []).includes(value))
        return `${shown} is not one of ${(option.values ?? []).join(', ')}`;
      break;
  }
  if (option.enforced && option.values && !option.values.includes(value)) {
    return `${shown} is not one of the allowed values ${option.values.join(', ')}`;
  }
  if (option.regex) {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${option.regex})$`);
    } catch {
      return undefined; // the server checked the job's regex when it was applied
    }
    if (!re.test(value)) return `${shown} does not match ${option.regex}`;
  }
  return undefined;
}

/**
 * What is wrong with a value, or undefined. An empty value falls back to the default (or the
 * secret a `secretRef` names), so it is only refused when the option is required and has none.
 */
export function validateOption(option: JobOption, value: FieldValue): string | undefined {
  const type = optionType(option);
  const list = listOf(option, value);
  if (list.length === 0 || (list.length === 1 && list[0] === '')) {
    const hasDefault = option.default !== undefined && option.default !== '';
    if (option.required && !hasDefault && !option.secretRef) return 'required';
    return undefined;
  }
  if (list.length > 1 && !option.multiValued) return `takes one value, got ${list.length}`;
  for (const v of list) {
    const problem = checkValue(option, type, v);
    if (problem) return problem;
  }
  return undefined;
}

/** The value the run request carries; undefined leaves the option to its default. */
export function requestValue(value: FieldValue): string | string[] | undefined {
  if (Array.isArray(value)) return value.length > 0 ? value : undefined;
  return value === '' ? undefined : value;
}
