import { useState } from 'react';

/**
 * A list of values as chips: Enter, a comma or leaving the field adds what was typed; pasting a
 * comma- or line-separated list adds each; Backspace in the empty field takes the last one back.
 */
export function ValuesInput({
  values,
  onChange,
  label,
  placeholder,
  invalid,
}: {
  values: string[];
  onChange(values: string[]): void;
  label: string;
  placeholder?: string;
  invalid?: boolean;
}) {
  const [text, setText] = useState('');
  const add = (raw: string) => {
    const added = raw
      .split(/[,\n]/)
      .map((v) => v.trim())
      .filter((v) => v && !values.includes(v));
    if (added.length) onChange([...values, ...new Set(added)]);
    setText('');
  };
  return (
    <div className={`values-input${invalid ? ' values-input--invalid' : ''}`}>
      {values.map((v) => (
        <span key={v} className="values-input__chip">
          <span className="mono">{v}</span>
          <button
            type="button"
            aria-label={`Remove ${v}`}
            onClick={() => onChange(values.filter((x) => x !== v))}
          >
            ×
          </button>
        </span>
      ))}
      <input
        className="values-input__text"
        aria-label={label}
        value={text}
        placeholder={values.length ? '' : placeholder}
        onChange={(e) => {
          const value = e.target.value;
          if (value.endsWith(',')) add(value.slice(0, -1));
          else setText(value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            add(text);
          } else if (e.key === 'Backspace' && !text && values.length) {
            onChange(values.slice(0, -1));
          }
        }}
        onPaste={(e) => {
          const pasted = e.clipboardData.getData('text');
          if (/[,\n]/.test(pasted)) {
            e.preventDefault();
            add(text + pasted);
          }
        }}
        onBlur={() => text.trim() && add(text)}
      />
    </div>
  );
}
