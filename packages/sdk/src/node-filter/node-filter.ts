/**
 * Node filters, in Rundeck's syntax so Rundeck jobs keep their filters. The server resolves them
 * to run jobs; the console evaluates the same code while a filter is typed.
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
 * filter selects every node.
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
    if (!value) throw new NodeFilterError(`empty value for "${match[2]}" in node filter "${text}"`);
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

/** Glob with `*` (any run of characters) and `?` (one character), as filters and policies use. */
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
    if (globCache.size > 10_000) globCache.clear();
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

/**
 * The nodes a filter selects, ordered by the rank attribute (default: name, numbers compared as
 * numbers); throws NodeFilterError for a filter the server refuses.
 */
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
