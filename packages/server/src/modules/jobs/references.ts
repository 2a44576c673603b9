/**
 * `${option.version}`, `${steps.build.outputs.tag}`, `${node.name}`, `${execution.id}`: the
 * values a job text can refer to. Looked up, never evaluated.
 */
export const REFERENCE = /\$\{\s*([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\s*\}/g;

export interface ReferenceScope {
  options: Record<string, string>;
  /** step id → output name → value, for steps that ran earlier on this node. */
  steps: Record<string, Record<string, string>>;
  node?: { name: string; hostname: string; username?: string };
  execution?: { id: string; job: string; project: string; environment: string; user: string };
}

export function lookup(path: string, scope: ReferenceScope): string | undefined {
  const parts = path.split('.');
  const [root, a, b, c] = parts;
  switch (root) {
    case 'option':
      return parts.length === 2 && a ? scope.options[a] : undefined;
    case 'steps':
      return parts.length === 4 && a && b === 'outputs' && c ? scope.steps[a]?.[c] : undefined;
    case 'node':
      if (!scope.node || parts.length !== 2) return undefined;
      return a === 'name'
        ? scope.node.name
        : a === 'hostname'
          ? scope.node.hostname
          : a === 'username'
            ? scope.node.username
            : undefined;
    case 'execution':
      if (!scope.execution || parts.length !== 2 || !a) return undefined;
      return (scope.execution as unknown as Record<string, string>)[a];
    default:
      return undefined;
  }
}

/** Names every reference in a text, for checks at apply time. */
export function referencesIn(text: string): string[] {
  return [...text.matchAll(REFERENCE)].map((m) => m[1] ?? '');
}

/** Replaces references with `quote(value)`; unknown ones are an error, not an empty string. */
export function expand(
  text: string,
  scope: ReferenceScope,
  quote: (value: string) => string = (v) => v,
): string {
  return text.replace(REFERENCE, (_all, path: string) => {
    const value = lookup(path, scope);
    if (value === undefined) throw new ReferenceError(`unknown reference \${${path}}`);
    return quote(value);
  });
}

/** Checks a reference against what a job defines (options and step ids), for apply-time errors. */
export function checkReference(
  path: string,
  optionNames: Set<string>,
  stepIds: Set<string>,
): string | undefined {
  const parts = path.split('.');
  const [root, a, b] = parts;
  if (root === 'option')
    return a && optionNames.has(a) && parts.length === 2 ? undefined : `no option "${a ?? ''}" in this job`;
  if (root === 'steps') {
    if (parts.length !== 4 || b !== 'outputs') return 'expected ${steps.<id>.outputs.<name>}';
    return a && stepIds.has(a) ? undefined : `no step "${a ?? ''}" before this one`;
  }
  if (root === 'node')
    return ['name', 'hostname', 'username'].includes(a ?? '') && parts.length === 2
      ? undefined
      : 'expected ${node.name}, ${node.hostname} or ${node.username}';
  if (root === 'execution') {
    return ['id', 'job', 'project', 'environment', 'user'].includes(a ?? '') && parts.length === 2
      ? undefined
      : 'expected ${execution.id|job|project|environment|user}';
  }
  return `unknown reference root "${root ?? ''}": use option, steps, node or execution`;
}
