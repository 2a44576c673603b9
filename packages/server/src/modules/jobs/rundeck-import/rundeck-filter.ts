/**
 * Rundeck node filters → pont node filters.
 *
 * pont's filter (`spec.nodes.filter`, matched by ../node-filter.ts) uses Rundeck's syntax:
 *
 *   name: app-1             key: value terms separated by spaces; keys are name, hostname, tags,
 *   hostname: db.example    username, executor or any node attribute (os-family, rack, …)
 *   tags: web+tomcat        tags: `a+b` both, `a,b` either
 *   name: app-1,app-2       any other key: `a,b` either
 *   name: app-*             values are exact, or wildcards (`*` any run, `?` one character),
 *   name: /^app-[0-9]+$/    or a regular expression between slashes (JavaScript syntax)
 *   !name: app-3            `!` before the key excludes the nodes the term matches
 *   app-1 app-2             a bare word is a name
 *   name: "a b"             double quotes keep spaces in a value
 *
 * Terms on different keys must all match; a node matching any `!` term is left out; an empty
 * filter selects every node of the environment.
 *
 * Rundeck's own matching differs in ways that matter when a filter is copied as it is, so the
 * importer rewrites the filter to keep its Rundeck meaning under those rules:
 *  - Rundeck treats every value as a Java regular expression that must match the whole value
 *    (falling back to equality), so `web-.*` means "starts with web-". Values made of literal
 *    text and `.*` become wildcards (`web-*`); other regular expressions become `/^(?:…)$/`;
 *    plain text (hostnames with dots included) stays as it is.
 *  - Rundeck joins repeated keys and bare words with "or" (`name: a name: b` is a or b): they
 *    become one term, `name: a,b`.
 *  - Rundeck leaves out a node only when it matches every `!` term (and the job's separate
 *    exclude filter, `filterExclude`); pont leaves out a node matching any of them. With `!`
 *    terms on more than one key the meaning changes, which is reported.
 */

export interface FilterConversion {
  filter: string;
  /** Differences worth a line in the import report. */
  notes: string[];
}

interface Terms {
  /** key → values, in order of first appearance (Rundeck joins repeated keys with ","). */
  include: Map<string, string[]>;
  exclude: Map<string, string[]>;
}

/** OptsUtil.burst: words separated by whitespace; double or single quotes keep spaces. */
export function burst(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: string | undefined;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

/** NodeSet.parseFilter: `key: value`, `key:value`, `!key: value`; a bare word is a name. */
export function parseRundeckFilter(text: string): Terms {
  const terms: Terms = { include: new Map(), exclude: new Map() };
  let key: string | undefined;
  for (let token of burst(text)) {
    if (key === undefined && token.endsWith(':')) {
      key = token.slice(0, token.lastIndexOf(':'));
      continue;
    }
    if (key === undefined && token.includes(':')) {
      key = token.slice(0, token.indexOf(':'));
      token = token.slice(token.indexOf(':') + 1);
      if (token === '') continue;
    } else if (key === undefined) key = 'name';
    const excluded = key.startsWith('!');
    const name = excluded ? key.slice(1) : key;
    const set = excluded ? terms.exclude : terms.include;
    set.set(name, [...(set.get(name) ?? []), token]);
    key = undefined;
  }
  return terms;
}

const REGEX_CHARS = /[\\^$.|?*+()[\]{}]/;

/**
 * One Rundeck value (a regular expression matching the whole value, or the exact text) as a
 * pont value (exact text, wildcard or /regex/).
 */
export function convertValue(value: string): { value: string; note?: string } {
  if (/\$\{[^}]*\}/.test(value)) return { value };
  if (value.length >= 2 && value.startsWith('/') && value.endsWith('/')) {
    return regexValue(value.slice(1, -1), value);
  }
  if (!REGEX_CHARS.test(value.replace(/\./g, ''))) return { value };
  const segments = value.split('.*');
  if (segments.every((s) => !REGEX_CHARS.test(s.replace(/\./g, '')))) return { value: segments.join('*') };
  return regexValue(value, value);
}

function regexValue(source: string, original: string): { value: string; note?: string } {
  try {
    new RegExp(source);
  } catch {
    return {
      value: original,
      note: `"${original}" is not a regular expression pont understands; kept as text`,
    };
  }
  return { value: `/^(?:${source})$/` };
}

function renderValues(key: string, values: string[], notes: string[]): string {
  const groups = values.flatMap((v) => v.split(','));
  const converted = groups.map((group) =>
    (key === 'tags' ? group.split('+') : [group])
      .map((part) => {
        const c = convertValue(part.trim());
        if (c.note) notes.push(c.note);
        return c.value;
      })
      .join('+'),
  );
  const regexes = converted.filter((c) => c.startsWith('/'));
  if (converted.length > 1 && regexes.some((r) => /[,+]/.test(r))) {
    notes.push(
      `"${key}: ${values.join(',')}" mixes a regular expression holding "," or "+" with other values; pont splits them`,
    );
  }
  const text = converted.join(',');
  // pont reads `/…/` up to the next slash, and a value up to the next space: quote the others.
  const plain = !/[\s/]/.test(text) || /^\/[^/\s]*\/$/.test(text);
  return plain || text.includes('"') ? text : `"${text}"`;
}

/**
 * Converts a job's Rundeck filter, adding the separate exclude filter (`filterExclude`) as `!`
 * terms. `excludePrecedence: false` (include wins over exclude) has no pont equivalent.
 */
export function convertFilter(
  filter: string,
  filterExclude?: string,
  excludePrecedence?: boolean,
): FilterConversion {
  const notes: string[] = [];
  const terms = parseRundeckFilter(filter);
  if (filterExclude) {
    const extra = parseRundeckFilter(filterExclude);
    for (const [key, values] of extra.include)
      terms.exclude.set(key, [...(terms.exclude.get(key) ?? []), ...values]);
    if (extra.exclude.size > 0)
      notes.push(`"!" terms inside the exclude filter "${filterExclude}" were dropped`);
  }
  const parts: string[] = [];
  for (const [key, values] of terms.include) parts.push(`${key}: ${renderValues(key, values, notes)}`);
  for (const [key, values] of terms.exclude) parts.push(`!${key}: ${renderValues(key, values, notes)}`);
  if (terms.exclude.size > 1) {
    notes.push(
      `Rundeck left out only nodes matching all of ${[...terms.exclude.keys()].map((k) => `!${k}`).join(', ')}; pont leaves out nodes matching any of them`,
    );
  }
  if (excludePrecedence === false && terms.exclude.size > 0) {
    notes.push(
      'excludePrecedence: false (a node matching both the filter and an exclusion is kept) has no pont equivalent: exclusions win',
    );
  }
  return { filter: parts.join(' '), notes };
}
