/**
 * A small ANSI SGR parser for job logs: what `ls --color`, compilers and test runners print.
 * Colours 0–15 stay palette indices (the stylesheet themes them); 256-colour and 24-bit ones
 * become CSS colours. Other escape sequences (cursor moves, titles) are dropped.
 */

export interface AnsiStyle {
  /** 0–15: a palette index (class `ansi-fg-N`); a string: a CSS colour. */
  fg?: number | string;
  bg?: number | string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  inverse?: boolean;
  strike?: boolean;
}

export interface AnsiSegment {
  text: string;
  style?: AnsiStyle;
}

const ESC = '\u001b';
// CSI (ESC [ params final), OSC (ESC ] … BEL or ESC \), and two-character escapes.
// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are control characters
const SEQUENCE = /\u001b(?:\[([0-?]*)[ -/]*([@-~])|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;

const CUBE = [0, 95, 135, 175, 215, 255];
const hex = (n: number) => n.toString(16).padStart(2, '0');

/** xterm's 256-colour table beyond the 16 palette colours. */
export function color256(n: number): number | string {
  if (n < 16) return n;
  if (n < 232) {
    const i = n - 16;
    return `#${hex(CUBE[Math.floor(i / 36)] ?? 0)}${hex(CUBE[Math.floor(i / 6) % 6] ?? 0)}${hex(CUBE[i % 6] ?? 0)}`;
  }
  const level = 8 + (n - 232) * 10;
  return `#${hex(level)}${hex(level)}${hex(level)}`;
}

export function isPlain(style: AnsiStyle | undefined): boolean {
  if (!style) return true;
  for (const key in style) if (style[key as keyof AnsiStyle] !== undefined) return false;
  return true;
}

/** Applies one SGR parameter list to a style (mutates and returns it). */
function applySgr(style: AnsiStyle, params: string): AnsiStyle {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] ?? 0;
    if (code === 0) {
      for (const key in style) delete style[key as keyof AnsiStyle];
    } else if (code === 1) style.bold = true;
    else if (code === 2) style.dim = true;
    else if (code === 3) style.italic = true;
    else if (code === 4) style.underline = true;
    else if (code === 7) style.inverse = true;
    else if (code === 9) style.strike = true;
    else if (code === 22) {
      delete style.bold;
      delete style.dim;
    } else if (code === 23) delete style.italic;
    else if (code === 24) delete style.underline;
    else if (code === 27) delete style.inverse;
    else if (code === 29) delete style.strike;
    else if (code >= 30 && code <= 37) style.fg = code - 30;
    else if (code === 39) delete style.fg;
    else if (code >= 40 && code <= 47) style.bg = code - 40;
    else if (code === 49) delete style.bg;
    else if (code >= 90 && code <= 97) style.fg = code - 90 + 8;
    else if (code >= 100 && code <= 107) style.bg = code - 100 + 8;
    else if (code === 38 || code === 48) {
      const mode = codes[i + 1];
      let value: number | string | undefined;
      if (mode === 5 && codes[i + 2] !== undefined) {
        value = color256(Math.max(0, Math.min(255, codes[i + 2] ?? 0)));
        i += 2;
      } else if (mode === 2 && codes.length >= i + 5) {
        const [r, g, b] = [codes[i + 2], codes[i + 3], codes[i + 4]].map((c) =>
          Math.max(0, Math.min(255, c ?? 0)),
        );
        value = `#${hex(r ?? 0)}${hex(g ?? 0)}${hex(b ?? 0)}`;
        i += 4;
      } else {
        break; // malformed: ignore the rest, as terminals do
      }
      if (code === 38) style.fg = value;
      else style.bg = value;
    }
  }
  return style;
}

/**
 * Splits a line into styled segments. `initial` is the style left over from the previous line of
 * the same stream (terminals keep it across newlines); `end` is what the line leaves for the next.
 */
export function parseAnsi(line: string, initial?: AnsiStyle): { segments: AnsiSegment[]; end?: AnsiStyle } {
  // A carriage return redraws the line (progress bars): the terminal shows what came last.
  const cr = line.lastIndexOf('\r');
  const text = cr >= 0 && cr < line.length - 1 ? line.slice(cr + 1) : line.replace(/\r$/, '');
  if (!text.includes(ESC)) {
    const style = isPlain(initial) ? undefined : initial;
    return { segments: [style ? { text, style } : { text }], ...(style ? { end: style } : {}) };
  }
  const segments: AnsiSegment[] = [];
  let style: AnsiStyle = { ...initial };
  let last = 0;
  const push = (chunk: string) => {
    if (!chunk) return;
    segments.push(isPlain(style) ? { text: chunk } : { text: chunk, style: { ...style } });
  };
  SEQUENCE.lastIndex = 0;
  for (let match = SEQUENCE.exec(text); match; match = SEQUENCE.exec(text)) {
    push(text.slice(last, match.index));
    last = SEQUENCE.lastIndex;
    if (match[2] === 'm') style = applySgr(style, match[1] ?? '');
  }
  push(text.slice(last));
  if (segments.length === 0) segments.push({ text: '' });
  return { segments, ...(isPlain(style) ? {} : { end: style }) };
}

/** The line without any escape sequence: for search and copy. */
export function stripAnsi(line: string): string {
  return line.includes(ESC) ? line.replace(SEQUENCE, '') : line;
}
