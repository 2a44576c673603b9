/**
 * The server's node filter syntax (packages/server/src/modules/jobs/node-filter.ts), evaluated in
 * the browser so the command box can say which nodes a filter matches while it is typed:
 *
 *   tags: web              nodes tagged web
 *   tags: web+tomcat       tagged web and tomcat
 *   tags: web,db           tagged web or db
 *   name: app-*            names matching a wildcard (`*`, `?`), or /a regex/
 *   !name: app-3           exclude nodes matching the term
 *   os: linux              any attribute; also hostname, username, executor
 *   app-1 app-2            bare words are names (either of them)
 *
 * The server stays the judge: it resolves the filter again when the command runs.
 */

export interface FilterTerm {
  key: string;
  exclude: boolean;
  alternatives: string[][];
}

export interface FilterableNode {
  name: string;
  hostname: string;
  username?: string | undefined;
  executor: string;
  tags: string[];
  attributes: Record<string, string>;
}

export class NodeFilterError extends Error {
  override readonly name = 'NodeFilterError';
}

const isRegex = (value: string) => value.length > 1 && value.startsWith('/') && value.endsWith('/');

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
    if (!value) throw new NodeFilterError(`empty value for "${match[2]}"`);
    const alternatives = isRegex(value) ? [[value]] : value.split(',').map((alt) => alt.split('+'));
    for (const alt of alternatives.flat()) {
      if (!isRegex(alt)) continue;
      try {
        new RegExp(alt.slice(1, -1));
      } catch (error) {
        throw new NodeFilterError(`invalid regular expression ${alt}: ${(error as Error).message}`);
      }
    }
    terms.push({ key: match[2] ?? 'name', exclude: match[1] === '!', alternatives });
  }
  if (bare.length > 0) terms.push({ key: 'name', exclude: false, alternatives: bare.map((b) => [b]) });
  return terms;
}

const globCache = new Map<string, RegExp>();

export function globMatch(glob: string, value: string): boolean {
  if (glob === '*') return true;
  if (!glob.includes('*') && !glob.includes('?')) return glob === value;
  let re = globCache.get(glob);
  if (!re) {
    let out = '^';
    for (const ch of glob) {
      if (ch === '*') out += '.*';
      else if (ch === '?') out += '.';
      else out += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    re = new RegExp(`${out}$`);
    globCache.set(glob, re);
  }
  return re.test(value);
}

function valueMatches(pattern: string, value: string): boolean {
  if (isRegex(pattern)) return new RegExp(pattern.slice(1, -1)).test(value);
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

/** The nodes a filter selects, by name; throws NodeFilterError for a filter the server would refuse. */
export function selectNodes<N extends FilterableNode>(nodes: N[], filter: string | undefined): N[] {
  const terms = parseNodeFilter(filter);
  return nodes
    .filter((n) => matchesFilter(terms, n))
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
}
