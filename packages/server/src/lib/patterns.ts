/** Glob with `*` (any run of characters) and `?` (one character), as used in policies and filters. */
export function globToRegExp(glob: string): RegExp {
  let out = '^';
  for (const ch of glob) {
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else out += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${out}$`);
}

const cache = new Map<string, RegExp>();

export function globMatch(glob: string, value: string): boolean {
  if (glob === '*') return true;
  if (!glob.includes('*') && !glob.includes('?')) return glob === value;
  let re = cache.get(glob);
  if (!re) {
    re = globToRegExp(glob);
    if (cache.size > 10_000) cache.clear();
    cache.set(glob, re);
  }
  return re.test(value);
}
