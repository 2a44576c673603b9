import { describe, expect, it } from 'vitest';
import { type FilterableNode, NodeFilterError, parseNodeFilter, selectNodes } from './node-filter.js';

// One set of cases for the one implementation jobs and the console's command box both use.
const node = (name: string, tags: string[], attributes: Record<string, string> = {}): FilterableNode => ({
  name,
  hostname: `${name}.example`,
  executor: 'ssh',
  tags,
  attributes,
});
const nodes = [
  node('app-1', ['web', 'tomcat'], { os: 'linux', rack: '2' }),
  node('app-2', ['web'], { os: 'linux', rack: '1' }),
  node('app-3', ['web', 'tomcat'], { os: 'windows', rack: '3' }),
  node('db-1', ['db'], { os: 'linux', rack: '10' }),
];
const names = (filter: string, rank?: Parameters<typeof selectNodes>[2]) =>
  selectNodes(nodes, filter, rank).map((n) => n.name);

describe('node filters (Rundeck syntax)', () => {
  it('selects everything with an empty filter', () =>
    expect(names('')).toEqual(['app-1', 'app-2', 'app-3', 'db-1']));
  it('selects by tag', () => expect(names('tags: web')).toEqual(['app-1', 'app-2', 'app-3']));
  it('needs every tag joined by +', () => expect(names('tags: web+tomcat')).toEqual(['app-1', 'app-3']));
  it('accepts any tag joined by ,', () =>
    expect(names('tags: tomcat,db')).toEqual(['app-1', 'app-3', 'db-1']));
  it('matches names with wildcards', () => expect(names('name: app-*')).toEqual(['app-1', 'app-2', 'app-3']));
  it('matches regular expressions', () =>
    expect(names('name: /^(app-1|db-.*)$/')).toEqual(['app-1', 'db-1']));
  it('excludes with !', () => expect(names('name: app-* !name: app-3')).toEqual(['app-1', 'app-2']));
  it('excludes a bare !name', () => expect(names('!app-1')).toEqual(['app-2', 'app-3', 'db-1']));
  it('combines keys with and, attributes included', () =>
    expect(names('tags: web os: linux')).toEqual(['app-1', 'app-2']));
  it('treats bare words as names', () => expect(names('app-2 db-1')).toEqual(['app-2', 'db-1']));
  it('matches hostname and executor', () => {
    expect(names('hostname: db-*.example')).toEqual(['db-1']);
    expect(names('executor: local')).toEqual([]);
  });
  it('orders by a rank attribute, numerically, either way', () => {
    expect(names('', { attribute: 'rack' })).toEqual(['app-2', 'app-1', 'app-3', 'db-1']);
    expect(names('', { attribute: 'rack', order: 'descending' })).toEqual([
      'db-1',
      'app-3',
      'app-1',
      'app-2',
    ]);
  });
  it('refuses a bad regular expression and an empty value with a clear message', () => {
    expect(() => parseNodeFilter('name: /(/')).toThrow(NodeFilterError);
    expect(() => parseNodeFilter('tags: ""')).toThrow(/empty value for "tags"/);
  });
});
