import { globMatch } from '../../lib/patterns.js';
import type { NodeSpec } from '../core/index.js';
import type { Resource } from '../resources/resource.js';

/**
 * Node filters use Rundeck's syntax so Rundeck jobs keep their filters:
 *
 *   tags: web              nodes tagged web
 *   tags: web+tomcat       tagged web and tomcat
 *   tags: web,db           tagged web or db
 *   name: app-*            names matching a wildcard (`*`, `?`), or /a regex/
 *   !name: app-3           exclude nodes matching the term
 *   os: linux              any attribute; also hostname, username, executor
 *   app-1 app-2            bare words are names (either of them)
 *
 * Terms on different keys must all match; a node matching any `!` term is excluded; an empty
 * filter selects every node of the environment.
 */
export interface FilterTerm {
  key: string;
  exclude: boolean;
  /** Alternatives (any); each alternative is a list of values that must all match (tags `a+b`). */
  alternatives: string[][];
}

export interface FilterableNode {
  name: string;
  hostname: string;
  username?: string;
  executor: string;
  tags: string[];
  attributes: Record<string, string>;
}

export class NodeFilterError extends Error {
  override readonly name = 'NodeFilterError';
}

export function parseNodeFilter(text: string | undefined): FilterTerm[] {
  const terms: FilterTerm[] = [];
  const bare: string[] = [];
  const tokens = (text ?? '').trim().match(/!?[\w.-]+:\s*("[^"]*"|\/[^/]*\/|\S+)|\S+/g) ?? [];
  for (const token of tokens) {
    const match = /^(!?)([\w.-]+):\s*(.*)$/.exec(token);
    if (!match) {
      if (token.startsWith('!')) terms.push({ key: 'name', exclude: true, alternatives: [[token.slice(1)]] });
      else bare.push(...token.split(','));
      continue;
    }
    const value = (match[3] ?? '').replace(/^"(.*)"$/, '$1');
    if (!value) throw new NodeFilterError(`empty value for "${match[2]}" in node filter "${text}"`);
    const alternatives =
      value.startsWith('/') && value.endsWith('/') && value.length > 1
        ? [[value]]
        : value.split(',').map((alt) => alt.split('+'));
    for (const alt of alternatives.flat()) validRegex(alt);
    terms.push({ key: match[2] ?? 'name', exclude: match[1] === '!', alternatives });
  }
  if (bare.length > 0) terms.push({ key: 'name', exclude: false, alternatives: bare.map((b) => [b]) });
  return terms;
}

function validRegex(value: string): void {
  if (value.length > 1 && value.startsWith('/') && value.endsWith('/')) {
    try {
      new RegExp(value.slice(1, -1));
    } catch (error) {
      throw new NodeFilterError(`invalid regular expression ${value}: ${(error as Error).message}`);
    }
  }
}

function valueMatches(pattern: string, value: string): boolean {
  if (pattern.length > 1 && pattern.startsWith('/') && pattern.endsWith('/'))
    return new RegExp(pattern.slice(1, -1)).test(value);
  return globMatch(pattern, value);
}

function fieldValues(node: FilterableNode, key: string): string[] {
  switch (key) {
    case 'name':
    case 'nodename':
      return [node.name];
    case 'hostname':
      return [node.hostname];
    case 'username':
      return node.username ? [node.username] : [];
    case 'executor':
      return [node.executor];
    case 'tags':
      return node.tags;
    default: {
      const value = node.attributes[key];
      return value === undefined ? [] : [value];
    }
  }
}

function termMatches(term: FilterTerm, node: FilterableNode): boolean {
  const values = fieldValues(node, term.key);
  return term.alternatives.some((all) =>
    all.every((pattern) => values.some((v) => valueMatches(pattern, v))),
  );
}

export function matchesFilter(terms: FilterTerm[], node: FilterableNode): boolean {
  return terms.every((t) => (t.exclude ? !termMatches(t, node) : termMatches(t, node)));
}

/** Filters then orders nodes by the rank attribute (default: name). */
export function selectNodes<N extends FilterableNode>(
  nodes: N[],
  filter: string | undefined,
  rank: { attribute?: string; order?: 'ascending' | 'descending' } = {},
): N[] {
  const terms = parseNodeFilter(filter);
  const chosen = nodes.filter((n) => matchesFilter(terms, n));
  const attribute = rank.attribute ?? 'name';
  const key = (n: N) => fieldValues(n, attribute)[0] ?? '';
  chosen.sort(
    (a, b) => key(a).localeCompare(key(b), undefined, { numeric: true }) || a.name.localeCompare(b.name),
  );
  if (rank.order === 'descending') chosen.reverse();
  return chosen;
}

/** What a filter looks at, from a Node resource. */
export function filterableNode(node: Resource): FilterableNode & { resource: Resource } {
  const spec = node.spec as unknown as NodeSpec;
  return {
    resource: node,
    name: node.metadata.name,
    hostname: spec.hostname,
    executor: spec.executor,
    tags: spec.tags ?? [],
    attributes: spec.attributes ?? {},
    ...(spec.username ? { username: spec.username } : {}),
  };
}
