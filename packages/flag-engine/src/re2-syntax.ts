// RE2 syntax pieces that do not depend on the translator's state: character sets, escapes and
// Unicode class names, with the errors RE2 (re2js) reports for them.

export class Re2Error extends Error {}

/** Position in the pattern, shared with the translator so helpers can consume text. */
export interface Cursor {
  pos: number;
}

export const ANY = '[\\u{0}-\\u{10FFFF}]';
const ASCII_SPACE = '\\u{9}\\u{a}\\u{c}\\u{d}\\u{20}';

// RE2's [:name:] classes are ASCII-only, as ranges [lo, hi, lo, hi, …].
export const POSIX: Record<string, number[]> = {
  alnum: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  alpha: [0x41, 0x5a, 0x61, 0x7a],
  ascii: [0x00, 0x7f],
  blank: [0x09, 0x09, 0x20, 0x20],
  cntrl: [0x00, 0x1f, 0x7f, 0x7f],
  digit: [0x30, 0x39],
  graph: [0x21, 0x7e],
  lower: [0x61, 0x7a],
  print: [0x20, 0x7e],
  punct: [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  space: [0x09, 0x0d, 0x20, 0x20],
  upper: [0x41, 0x5a],
  word: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a, 0x5f, 0x5f],
  xdigit: [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

// General categories RE2 knows; any other \p{Name} is a script (JS spells it Script=Name).
const GENERAL_CATEGORIES = new Set(
  'C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(
    ' ',
  ),
);

// Folds toLowerCase/toUpperCase cannot find from every member of the orbit.
const EXTRA_FOLDS: number[][] = [
  [0x4b, 0x6b, 0x212a],
  [0x53, 0x73, 0x17f],
  [0xc5, 0xe5, 0x212b],
  [0x3a3, 0x3c3, 0x3c2],
];

export function hex(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

export function isWordChar(cp: number): boolean {
  return (
    (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f
  );
}

function isOctal(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '7';
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

export function caseVariants(cp: number): number[] {
  const out = new Set<number>([cp]);
  const ch = String.fromCodePoint(cp);
  for (const v of [ch.toLowerCase(), ch.toUpperCase()]) {
    const c = v.codePointAt(0)!;
    if (String.fromCodePoint(c) === v) out.add(c);
  }
  for (const orbit of EXTRA_FOLDS) if (orbit.some((c) => out.has(c))) for (const c of orbit) out.add(c);
  return [...out];
}

export function hasCase(cp: number): boolean {
  return caseVariants(cp).length > 1;
}

/**
 * A single escaped character at `cursor.pos` (pointing at the `\`), valid inside and outside classes;
 * advances the cursor past it.
 */
export function parseEscapedChar(src: string, cursor: Cursor): number {
  const c = src[cursor.pos + 1]!;
  cursor.pos += 2;
  if (c >= '1' && c <= '7' && !isOctal(src[cursor.pos])) throw new Re2Error('invalid escape sequence');
  if (c >= '0' && c <= '7') {
    let value = Number(c);
    for (let n = 0; n < 2 && isOctal(src[cursor.pos]); n++) value = value * 8 + Number(src[cursor.pos++]);
    return value;
  }
  switch (c) {
    case 'a':
      return 0x07;
    case 'f':
      return 0x0c;
    case 't':
      return 0x09;
    case 'n':
      return 0x0a;
    case 'r':
      return 0x0d;
    case 'v':
      return 0x0b;
    case 'x': {
      if (src[cursor.pos] === '{') {
        const end = src.indexOf('}', cursor.pos);
        const digits = end < 0 ? '' : src.slice(cursor.pos + 1, end);
        if (!/^[0-9a-fA-F]+$/.test(digits)) throw new Re2Error('invalid escape sequence');
        const value = Number.parseInt(digits, 16);
        if (value > 0x10ffff) throw new Re2Error('invalid escape sequence');
        cursor.pos = end + 1;
        return value;
      }
      if (!isHex(src[cursor.pos]) || !isHex(src[cursor.pos + 1]))
        throw new Re2Error('invalid escape sequence');
      cursor.pos += 2;
      return Number.parseInt(src.slice(cursor.pos - 2, cursor.pos), 16);
    }
  }
  const cp = c.codePointAt(0)!;
  if (cp < 0x80 && !/[0-9A-Za-z]/.test(c)) return cp;
  throw new Re2Error('invalid escape sequence');
}

/** `\pN`, `\p{Name}`, `\p{^Name}`, `\PN` at the cursor: returns JS class content (v-mode syntax). */
export function parseUnicodeClass(src: string, cursor: Cursor): string {
  let negated = src[cursor.pos + 1] === 'P';
  cursor.pos += 2;
  let name: string;
  if (src[cursor.pos] === '{') {
    const end = src.indexOf('}', cursor.pos);
    if (end < 0) throw new Re2Error('invalid character class range');
    name = src.slice(cursor.pos + 1, end);
    cursor.pos = end + 1;
  } else {
    const cp = src.codePointAt(cursor.pos);
    if (cp === undefined) throw new Re2Error('invalid character class range');
    name = String.fromCodePoint(cp);
    cursor.pos += name.length;
  }
  if (name.startsWith('^')) {
    negated = !negated;
    name = name.slice(1);
  }
  if (!/^[A-Za-z_]+$/.test(name)) throw new Re2Error('invalid character class range');
  let body: string;
  if (name === 'Any') body = ANY;
  else if (GENERAL_CATEGORIES.has(name)) body = `\\p{${name}}`;
  else body = `\\p{Script=${name}}`;
  return negated ? `[^${body}]` : body;
}

/** Content of a JS class equivalent to RE2's ASCII-only `\\d`, `\\s`, `\\w` and negations. */
export function perlClass(c: string): string {
  switch (c) {
    case 'd':
      return '0-9';
    case 'D':
      return '^0-9';
    case 's':
      return ASCII_SPACE;
    case 'S':
      return `^${ASCII_SPACE}`;
    case 'w':
      return '0-9A-Za-z_';
    default:
      return '^0-9A-Za-z_';
  }
}
