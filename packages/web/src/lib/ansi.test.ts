import { describe, expect, it } from 'vitest';
import { color256, parseAnsi, stripAnsi } from './ansi';

const ESC = '\u001b';

describe('ANSI SGR parser', () => {
  it('leaves plain text alone', () => {
    expect(parseAnsi('hello world')).toEqual({ segments: [{ text: 'hello world' }] });
  });

  it('colours with the 16 palette colours and resets', () => {
    const { segments, end } = parseAnsi(`${ESC}[31mred${ESC}[0m and ${ESC}[92mbright green${ESC}[39m`);
    expect(segments).toEqual([
      { text: 'red', style: { fg: 1 } },
      { text: ' and ' },
      { text: 'bright green', style: { fg: 10 } },
    ]);
    expect(end).toBeUndefined();
  });

  it('combines bold, background and foreground in one sequence, and 22 ends bold', () => {
    const { segments } = parseAnsi(`${ESC}[1;33;44mwarn${ESC}[22m plain-weight`);
    expect(segments).toEqual([
      { text: 'warn', style: { bold: true, fg: 3, bg: 4 } },
      { text: ' plain-weight', style: { fg: 3, bg: 4 } },
    ]);
  });

  it('maps 256 colours and 24-bit colours to CSS', () => {
    expect(color256(9)).toBe(9);
    expect(color256(196)).toBe('#ff0000');
    expect(color256(232)).toBe('#080808');
    expect(color256(255)).toBe('#eeeeee');
    const { segments } = parseAnsi(`${ESC}[38;5;208morange${ESC}[48;2;10;20;30m on blue`);
    expect(segments).toEqual([
      { text: 'orange', style: { fg: '#ff8700' } },
      { text: ' on blue', style: { fg: '#ff8700', bg: '#0a141e' } },
    ]);
  });

  it('carries an unterminated style to the next line, as a terminal does', () => {
    const first = parseAnsi(`${ESC}[32mstarts green`);
    expect(first.end).toEqual({ fg: 2 });
    const second = parseAnsi('still green', first.end);
    expect(second.segments).toEqual([{ text: 'still green', style: { fg: 2 } }]);
    const third = parseAnsi(`green ${ESC}[mthen not`, second.end);
    expect(third.segments).toEqual([{ text: 'green ', style: { fg: 2 } }, { text: 'then not' }]);
    expect(third.end).toBeUndefined();
  });

  it('drops cursor moves, titles and other escapes, and keeps the last redraw of a line', () => {
    expect(stripAnsi(`${ESC}[2K${ESC}[1Gdone${ESC}]0;title\u0007!`)).toBe('done!');
    expect(parseAnsi('progress 10%\rprogress 100%').segments).toEqual([{ text: 'progress 100%' }]);
    expect(parseAnsi(`${ESC}[?25lhidden cursor${ESC}[?25h`).segments).toEqual([{ text: 'hidden cursor' }]);
  });

  it('ignores a malformed extended colour instead of throwing', () => {
    expect(parseAnsi(`${ESC}[38;5mx`).segments).toEqual([{ text: 'x' }]);
    expect(parseAnsi(`${ESC}[38;2;1mx`).segments).toEqual([{ text: 'x' }]);
  });
});
