/** A value, or a value with the text shown for it. */
export type FilterOption = string | readonly [value: string, label: string];

/** The time ranges list pages filter by; the values are what the API's `since` takes. */
export const SINCE_OPTIONS: readonly FilterOption[] = [
  ['', 'any time'],
  ['15m', 'last 15 min'],
  ['1h', 'last hour'],
  ['24h', 'last 24 h'],
  ['7d', 'last 7 days'],
  ['30d', 'last 30 days'],
];

/**
 * One labelled drop-down of a list page's filter bar. `all` adds a first, empty choice; the
 * control is named "<label> filter" for assistive technology (and the end-to-end tests).
 */
export function SelectFilter({
  label,
  value,
  onChange,
  options,
  all,
  className,
}: {
  label: string;
  value: string | undefined;
  onChange(value: string): void;
  options: readonly FilterOption[];
  all?: string;
  className?: string;
}) {
  return (
    <label className="field field--inline">
      <span>{label}</span>
      <select
        aria-label={`${label} filter`}
        className={className}
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value)}
      >
        {all !== undefined && <option value="">{all}</option>}
        {options.map((option) => {
          const [v, text] = typeof option === 'string' ? [option, option] : option;
          return (
            <option key={v} value={v}>
              {text}
            </option>
          );
        })}
      </select>
    </label>
  );
}
