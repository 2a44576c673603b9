import { describe, expect, it } from 'vitest';
import { type FilterableNode, parseNodeFilter, selectNodes } from '../node-filter.js';
import { burst, convertFilter, convertValue, parseRundeckFilter } from './rundeck-filter.js';

const node = (name: string, tags: string[], attributes: Record<string, string> = {}): FilterableNode => ({
  name,
  hostname: `${name}.example.com`,
  executor: 'ssh',
  tags,
  attributes,
});

const NODES = [
  node('web-1', ['web', 'linux'], { 'os-family': 'unix', rack: 'a' }),
  node('web-2', ['web', 'linux'], { 'os-family': 'unix', rack: 'b' }),
  node('web-3', ['web', 'windows'], { 'os-family': 'windows', rack: 'a' }),
  node('web-12', ['web'], { 'os-family': 'unix', rack: 'c' }),
  node('db-1', ['db', 'linux'], { 'os-family': 'unix', rack: 'a' }),
  node('db-9', ['db', 'windows'], { 'os-family': 'windows', rack: 'b' }),
  node('app', ['app'], { 'os-family': 'unix' }),
  node('app-1', ['app'], { 'os-family': 'unix' }),
];

/** Rundeck's NodeSet semantics, as an oracle: a Java-style full regular expression match or equality. */
function rundeckSelects(filter: string, n: FilterableNode): boolean {
  const { include, exclude } = parseRundeckFilter(filter);
  const matchValue = (selector: string, value: string) => {
    try {
      if (new RegExp(`^(?:${selector.replace(/^\/(.*)\/$/, '$1')})$`).test(value)) return true;
    } catch {
      // Rundeck falls back to equality.
    }
    return selector === value;
  };
  const matchKey = (key: string, selector: string) => {
    if (key === 'tags') {
      return selector
        .split(',')
        .some((clause) => clause.split('+').every((tag) => n.tags.some((t) => matchValue(tag.trim(), t))));
    }
    const value = key === 'name' ? n.name : key === 'hostname' ? n.hostname : n.attributes[key];
    return (
      value !== undefined &&
      (matchValue(selector, value) || selector.split(',').some((s) => matchValue(s, value)))
    );
  };
  const matchesAll = (set: Map<string, string[]>) =>
    [...set].every(([key, values]) => matchKey(key, values.join(',')));
  const included = include.size === 0 || matchesAll(include);
  const excluded = exclude.size > 0 && matchesAll(exclude);
  return included && !excluded;
}

const names = (filter: string) =>
  selectNodes(NODES, filter)
    .map((n) => n.name)
    .sort();
const oracle = (filter: string) =>
  NODES.filter((n) => rundeckSelects(filter, n))
    .map((n) => n.name)
    .sort();

describe('Rundeck node filters in pont', () => {
  it('splits words like Rundeck, keeping quoted spaces', () => {
    expect(burst(`tags: web name: "a b"  'c d' e`)).toEqual(['tags:', 'web', 'name:', 'a b', 'c d', 'e']);
  });

  it('parses keys, exclusions and bare words like NodeSet.parseFilter', () => {
    const terms = parseRundeckFilter('tags:web name: a !name: b c os-family: unix name: d');
    expect([...terms.include]).toEqual([
      ['tags', ['web']],
      ['name', ['a', 'c', 'd']],
      ['os-family', ['unix']],
    ]);
    expect([...terms.exclude]).toEqual([['name', ['b']]]);
  });

  it.each([
    ['web-1', 'web-1'],
    ['db.example.com', 'db.example.com'],
    ['web-.*', 'web-*'],
    ['.*', '*'],
    ['.*-1', '*-1'],
    ['web-[0-9]+', '/^(?:web-[0-9]+)$/'],
    ['/web-[0-9]/', '/^(?:web-[0-9])$/'],
    ['app-*', '/^(?:app-*)$/'],
    ['${option.tier}', '${option.tier}'],
  ])('value %s becomes %s', (rundeck, pont) => {
    expect(convertValue(rundeck).value).toBe(pont);
  });

  it('reports a regular expression JavaScript cannot read', () => {
    expect(convertValue('a++b')).toEqual({
      value: 'a++b',
      note: '"a++b" is not a regular expression pont understands; kept as text',
    });
  });

  it.each([
    'tags: web',
    'tags: web+linux',
    'tags: web,db',
    'tags: web+linux,db+windows',
    'name: web-.*',
    'name: web-[0-9]+',
    'name: /web-[0-9]/',
    'web-1 web-2',
    'name: web-1 name: db-1',
    '.*',
    'tags: web !name: web-3',
    '!os-family: windows',
    'tags: web os-family: unix rack: a',
    'tags: linux !tags: db',
    'name: app-*',
    'hostname: db-1.example.com',
    'tags: web name: web-1,web-12',
  ])('"%s" selects the nodes Rundeck selects', (filter) => {
    const converted = convertFilter(filter);
    expect(converted.notes).toEqual([]);
    expect(() => parseNodeFilter(converted.filter)).not.toThrow();
    expect(names(converted.filter)).toEqual(oracle(filter));
  });

  it('merges repeated keys and bare words into one "either" term', () => {
    expect(convertFilter('name: web-1 name: db-1').filter).toBe('name: web-1,db-1');
    expect(convertFilter('web-1 web-2 tags: web').filter).toBe('name: web-1,web-2 tags: web');
  });

  it('quotes values pont would otherwise cut', () => {
    const converted = convertFilter('name: "/web (1|2)/" rack: a');
    expect(converted.filter).toBe('name: "/^(?:web (1|2))$/" rack: a');
    expect(() => parseNodeFilter(converted.filter)).not.toThrow();
  });

  it('adds the exclude filter as ! terms and reports when the meaning changes', () => {
    const one = convertFilter('tags: db', 'os-family: windows');
    expect(one).toEqual({ filter: 'tags: db !os-family: windows', notes: [] });
    expect(names(one.filter)).toEqual(['db-1']);
    const two = convertFilter('tags: db', 'os-family: windows name: db-9');
    expect(two.filter).toBe('tags: db !os-family: windows !name: db-9');
    expect(two.notes).toEqual([
      'Rundeck left out only nodes matching all of !os-family, !name; pont leaves out nodes matching any of them',
    ]);
  });

  it('reports excludePrecedence: false when there are exclusions', () => {
    expect(convertFilter('tags: web !name: web-3', undefined, false).notes).toEqual([
      'excludePrecedence: false (a node matching both the filter and an exclusion is kept) has no pont equivalent: exclusions win',
    ]);
    expect(convertFilter('tags: web', undefined, false).notes).toEqual([]);
  });
});
