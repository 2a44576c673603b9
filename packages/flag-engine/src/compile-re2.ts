// unleash-client evaluates REGEX constraints with re2js (RE2 syntax, `find()` semantics), and the
// Unleash server validates patterns as RE2. JS RegExp differs in syntax and meaning (inline flags,
// POSIX classes, `\Q…\E`, `.` and `$` semantics, ASCII-only `\s`, lookarounds/backreferences that RE2
// rejects), so we translate RE2 into an equivalent JS RegExp once, when flags are loaded, and reject
// what RE2 rejects. Only "is there a match" matters, which lets us ignore greediness (`U`, `*?`) and
// turn every group into a non-capturing one.
//
// Known approximation: a pattern that mixes case-insensitive and case-sensitive parts (e.g. `(?i:a)b`)
// is expanded per character with toLowerCase/toUpperCase, which misses a few exotic Unicode folds.

import {
  ANY,
  caseVariants,
  hasCase,
  hex,
  isWordChar,
  POSIX,
  parseEscapedChar,
  parseUnicodeClass,
  perlClass,
  Re2Error,
} from './re2-syntax.js';

export type Re2Compilation = { ok: true; regex: RegExp } | { ok: false; error: string };

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
}

interface Frame {
  outer: Flags;
  outStart: number;
  maxProduct: number;
}

const MAX_REPEAT = 1000;

class Translator {
  pos = 0;
  private out = '';
  private flags: Flags;
  private readonly frames: Frame[] = [];
  private readonly root: Frame;
  private lastAtomStart = -1;
  private lastAtomProduct = 1;
  private lastAtomQuantified = false;
  private lastWasRepeat = false;
  private readonly names = new Set<string>();
  sawFoldOn = false;
  sawFoldOff = false;

  constructor(
    private readonly src: string,
    ignoreCase: boolean,
    private readonly expandFold: boolean,
  ) {
    this.flags = { i: ignoreCase, m: false, s: false };
    this.root = { outer: this.flags, outStart: 0, maxProduct: 1 };
  }

  translate(): string {
    const src = this.src;
    while (this.pos < src.length) {
      const c = src[this.pos]!;
      switch (c) {
        case '(':
          this.openGroup();
          break;
        case ')':
          this.closeGroup();
          break;
        case '|':
          this.pos++;
          this.out += '|';
          this.lastAtomStart = -1;
          this.lastWasRepeat = false;
          break;
        case '*':
        case '+':
        case '?':
          this.pos++;
          this.repeat(c, 0, -1, false);
          break;
        case '{':
          if (!this.tryBraceRepeat()) {
            this.pos++;
            this.literal(0x7b);
          }
          break;
        case '^':
          this.pos++;
          this.assertion(this.flags.m ? '(?<![^\\n])' : '^');
          break;
        case '$':
          this.pos++;
          this.assertion(this.flags.m ? '(?![^\\n])' : '$');
          break;
        case '.':
          this.pos++;
          this.atom(this.flags.s ? ANY : '[^\\n]');
          break;
        case '[':
          this.charClass();
          break;
        case '\\':
          this.escape();
          break;
        default: {
          const cp = src.codePointAt(this.pos)!;
          this.pos += cp > 0xffff ? 2 : 1;
          this.literal(cp);
        }
      }
    }
    if (this.frames.length > 0) throw new Re2Error('missing closing )');
    return this.out;
  }

  private atom(text: string, product = 1): void {
    this.lastAtomStart = this.out.length;
    this.lastAtomProduct = product;
    this.lastAtomQuantified = false;
    this.lastWasRepeat = false;
    this.out += text;
  }

  private assertion(text: string): void {
    // Wrapped so a following quantifier is legal in JS, as it is in RE2 (`^*`).
    this.atom(`(?:${text})`);
  }

  private markFold(relevant: boolean): void {
    if (!relevant) return;
    if (this.flags.i) this.sawFoldOn = true;
    else this.sawFoldOff = true;
  }

  private literal(cp: number): void {
    const cased = hasCase(cp);
    this.markFold(cased);
    if (this.expandFold && this.flags.i && cased) {
      this.atom(`[${caseVariants(cp).map(hex).join('')}]`);
    } else {
      this.atom(isWordChar(cp) ? String.fromCodePoint(cp) : hex(cp));
    }
  }

  private currentFrame(): Frame {
    return this.frames[this.frames.length - 1] ?? this.root;
  }

  private repeat(op: string, min: number, max: number, brace: boolean): void {
    if (this.lastWasRepeat) throw new Re2Error('invalid nested repetition operator');
    if (this.lastAtomStart < 0) throw new Re2Error('missing argument to repetition operator');
    let product = this.lastAtomProduct;
    if (brace) {
      if (min < 0 || min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max)) {
        throw new Re2Error('invalid repeat count');
      }
      const m = max >= 0 ? max : min;
      if (m === 0) product = 1;
      else {
        if ((min >= 2 || max >= 2) && m * product > MAX_REPEAT) throw new Re2Error('invalid repeat count');
        product *= m;
      }
    }
    if (this.src[this.pos] === '?') this.pos++;
    if (this.lastAtomQuantified) {
      this.out = `${this.out.slice(0, this.lastAtomStart)}(?:${this.out.slice(this.lastAtomStart)})`;
    }
    this.out += op;
    this.lastAtomProduct = product;
    this.lastAtomQuantified = true;
    this.lastWasRepeat = true;
    const frame = this.currentFrame();
    if (product > frame.maxProduct) frame.maxProduct = product;
  }

  private parseInt(): number | undefined {
    const src = this.src;
    const start = this.pos;
    if (!(src[start]! >= '0' && src[start]! <= '9')) return undefined;
    if (src[start] === '0' && src[start + 1]! >= '0' && src[start + 1]! <= '9') return undefined;
    let end = start;
    while (src[end]! >= '0' && src[end]! <= '9') end++;
    this.pos = end;
    const digits = src.slice(start, end);
    return digits.length > 8 ? -1 : Number(digits);
  }

  private tryBraceRepeat(): boolean {
    const start = this.pos;
    this.pos++;
    const min = this.parseInt();
    let max: number | undefined = min;
    if (min !== undefined && this.src[this.pos] === ',') {
      this.pos++;
      if (this.src[this.pos] === '}') max = -1;
      else {
        max = this.parseInt();
        if (max !== undefined && max < 0) return this.braceFail(start, true);
      }
    }
    if (min === undefined || max === undefined || this.src[this.pos] !== '}')
      return this.braceFail(start, false);
    this.pos++;
    const text = max === min ? `{${min}}` : max < 0 ? `{${min},}` : `{${min},${max}}`;
    this.repeat(text, min, max, true);
    return true;
  }

  private braceFail(start: number, tooBig: boolean): boolean {
    if (tooBig) throw new Re2Error('invalid repeat count');
    this.pos = start;
    return false;
  }

  private openGroup(): void {
    const src = this.src;
    this.pos++;
    let flags = this.flags;
    if (src[this.pos] === '?') {
      this.pos++;
      const next = src[this.pos];
      if (next === 'P' || next === '<') {
        if (next === 'P') {
          this.pos++;
          if (src[this.pos] !== '<') throw new Re2Error('invalid or unsupported Perl syntax');
        }
        const end = src.indexOf('>', this.pos);
        const name = end < 0 ? '' : src.slice(this.pos + 1, end);
        if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Re2Error('invalid named capture');
        if (this.names.has(name)) throw new Re2Error('duplicate capture group name');
        this.names.add(name);
        this.pos = end + 1;
      } else {
        const parsed = this.parseFlags();
        if (parsed.close) {
          // `(?i)` changes flags until the end of the enclosing group. It is not an atom (a following
          // `*` applies to what came before) but, as in RE2, it separates two repetition operators.
          this.flags = parsed.flags;
          this.lastWasRepeat = false;
          return;
        }
        flags = parsed.flags;
      }
    }
    this.frames.push({ outer: this.flags, outStart: this.out.length, maxProduct: 1 });
    this.out += '(?:';
    this.flags = flags;
    this.lastAtomStart = -1;
    this.lastWasRepeat = false;
  }

  private parseFlags(): { flags: Flags; close: boolean } {
    const src = this.src;
    const flags = { ...this.flags };
    let negate = false;
    let sawFlag = false;
    while (this.pos < src.length) {
      const c = src[this.pos++]!;
      switch (c) {
        case 'i':
        case 'm':
        case 's':
          flags[c] = !negate;
          sawFlag = true;
          break;
        case 'U':
          sawFlag = true;
          break;
        case '-':
          if (negate) throw new Re2Error('invalid or unsupported Perl syntax');
          negate = true;
          sawFlag = false;
          break;
        case ':':
        case ')':
          if (negate && !sawFlag) throw new Re2Error('invalid or unsupported Perl syntax');
          return { flags, close: c === ')' };
        default:
          throw new Re2Error('invalid or unsupported Perl syntax');
      }
    }
    throw new Re2Error('invalid or unsupported Perl syntax');
  }

  private closeGroup(): void {
    const frame = this.frames.pop();
    if (!frame) throw new Re2Error('unexpected )');
    this.pos++;
    this.out += ')';
    this.flags = frame.outer;
    this.lastAtomStart = frame.outStart;
    this.lastAtomProduct = frame.maxProduct;
    this.lastAtomQuantified = false;
    this.lastWasRepeat = false;
    const parent = this.currentFrame();
    if (frame.maxProduct > parent.maxProduct) parent.maxProduct = frame.maxProduct;
  }

  private escape(): void {
    const src = this.src;
    const c = src[this.pos + 1];
    if (c === undefined) throw new Re2Error('trailing backslash at end of expression');
    switch (c) {
      case 'A':
        this.pos += 2;
        this.assertion('^');
        return;
      case 'z':
        this.pos += 2;
        this.assertion('$');
        return;
      case 'b':
      case 'B':
        this.pos += 2;
        this.assertion(`\\${c}`);
        return;
      case 'Q': {
        this.pos += 2;
        const end = src.indexOf('\\E', this.pos);
        const text = end < 0 ? src.slice(this.pos) : src.slice(this.pos, end);
        this.pos = end < 0 ? src.length : end + 2;
        for (const ch of text) this.literal(ch.codePointAt(0)!);
        return;
      }
      case 'd':
      case 'D':
      case 's':
      case 'S':
      case 'w':
      case 'W':
        this.pos += 2;
        // RE2 case-folds \w and \W under (?i) (adding U+017F and U+212A); \d and \s have no case.
        this.markFold(c === 'w' || c === 'W');
        this.atom(`[${perlClass(c)}]`);
        return;
      case 'p':
      case 'P':
        this.markFold(true);
        this.atom(`[${parseUnicodeClass(this.src, this)}]`);
        return;
      default:
        this.literal(parseEscapedChar(this.src, this));
        return;
    }
  }

  private charClass(): void {
    const src = this.src;
    this.pos++;
    let negated = false;
    if (src[this.pos] === '^') {
      negated = true;
      this.pos++;
    }
    const items: string[] = [];
    let first = true;
    for (;;) {
      if (this.pos >= src.length) throw new Re2Error('missing closing ]');
      const c = src[this.pos]!;
      if (c === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      if (c === '[' && src[this.pos + 1] === ':') {
        const end = src.indexOf(':]', this.pos + 2);
        if (end >= 0) {
          let name = src.slice(this.pos + 2, end);
          const neg = name.startsWith('^');
          if (neg) name = name.slice(1);
          const ranges = POSIX[name];
          if (!ranges) throw new Re2Error('invalid character class range');
          this.pos = end + 2;
          items.push(`[${neg ? '^' : ''}${this.ranges(ranges)}]`);
          continue;
        }
      }
      if (c === '\\') {
        const e = src[this.pos + 1];
        if (e === 'd' || e === 'D' || e === 's' || e === 'S' || e === 'w' || e === 'W') {
          this.pos += 2;
          items.push(`[${perlClass(e)}]`);
          continue;
        }
        if (e === 'p' || e === 'P') {
          items.push(`[${parseUnicodeClass(this.src, this)}]`);
          continue;
        }
      }
      const lo = this.classChar();
      let hi = lo;
      if (src[this.pos] === '-' && this.pos + 1 < src.length && src[this.pos + 1] !== ']') {
        this.pos++;
        hi = this.classChar();
        if (hi < lo) throw new Re2Error('invalid character class range');
      }
      items.push(this.ranges([lo, hi]));
    }
    this.markFold(true);
    this.atom(`[${negated ? '^' : ''}${items.join('')}]`);
  }

  private classChar(): number {
    const src = this.src;
    if (this.pos >= src.length) throw new Re2Error('missing closing ]');
    if (src[this.pos] === '\\') {
      if (this.pos + 1 >= src.length) throw new Re2Error('missing closing ]');
      return parseEscapedChar(this.src, this);
    }
    const cp = src.codePointAt(this.pos)!;
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  /** Class content for [lo, hi, …] pairs, adding case variants when folding by hand. */
  private ranges(pairs: number[]): string {
    let text = '';
    const extra = new Set<number>();
    for (let k = 0; k < pairs.length; k += 2) {
      const lo = pairs[k]!;
      const hi = pairs[k + 1]!;
      text += lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`;
      if (this.expandFold && this.flags.i && hi - lo < 4096) {
        for (let cp = lo; cp <= hi; cp++)
          for (const v of caseVariants(cp)) if (v < lo || v > hi) extra.add(v);
      }
    }
    for (const v of extra) text += hex(v);
    return text;
  }
}

/**
 * Compiles an RE2 pattern (as unleash-client's REGEX operator reads it) into a JS RegExp whose
 * `test()` answers what re2js `matcher(value).find()` answers, or reports why RE2 rejects it.
 */
export function compileRe2(pattern: string, caseInsensitive = false): Re2Compilation {
  try {
    let t = new Translator(pattern, caseInsensitive, false);
    let source = t.translate();
    let jsFlags = 'v';
    if (t.sawFoldOn && t.sawFoldOff) {
      t = new Translator(pattern, caseInsensitive, true);
      source = t.translate();
    } else if (t.sawFoldOn) {
      jsFlags = 'iv';
    }
    return { ok: true, regex: new RegExp(source, jsFlags) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
