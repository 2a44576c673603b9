import { lookup, type ReferenceScope } from './references.js';

/**
 * `when` conditions: `${option.dry_run} == 'true' && ${steps.check.outputs.count} > 0`.
 * Operands are quoted strings, numbers, true/false and `${…}` references; operators are
 * == != < <= > >= =~ (regex), && || ! and parentheses. A bare operand is true unless it is
 * empty, "false" or "0". Comparisons are numeric when both sides are numbers.
 */
export type Condition = (scope: ReferenceScope) => boolean;

type Token = { type: 'str' | 'num' | 'ref' | 'op' | 'bool'; value: string };
type Node =
  | { kind: 'lit'; value: string }
  | { kind: 'ref'; path: string }
  | { kind: 'not'; expr: Node }
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'cmp'; op: string; left: Node; right: Node };

export class ConditionError extends Error {
  override readonly name = 'ConditionError';
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re =
    /\s*(?:('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?)|(\$\{\s*[A-Za-z_][\w.-]*\s*\})|(==|!=|<=|>=|=~|&&|\|\||[<>!()])|(true|false)\b)/y;
  let index = 0;
  while (index < text.length) {
    if (/^\s*$/.test(text.slice(index))) break;
    re.lastIndex = index;
    const m = re.exec(text);
    if (!m)
      throw new ConditionError(
        `unexpected "${text.slice(index).trim().slice(0, 20)}" at character ${index + 1}`,
      );
    index = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ type: 'str', value: m[1].slice(1, -1).replace(/\\(.)/g, '$1') });
    else if (m[2] !== undefined) tokens.push({ type: 'num', value: m[2] });
    else if (m[3] !== undefined) tokens.push({ type: 'ref', value: m[3].slice(2, -1).trim() });
    else if (m[4] !== undefined) tokens.push({ type: 'op', value: m[4] });
    else if (m[5] !== undefined) tokens.push({ type: 'bool', value: m[5] });
  }
  return tokens;
}

function parse(tokens: Token[]): Node {
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (value?: string) => {
    const token = tokens[pos];
    if (!token || (value !== undefined && token.value !== value)) {
      throw new ConditionError(
        `expected ${value ?? 'a value'} ${token ? `but found "${token.value}"` : 'at the end'}`,
      );
    }
    pos++;
    return token;
  };
  const primary = (): Node => {
    const token = take();
    if (token.type === 'op' && token.value === '(') {
      const inner = or();
      take(')');
      return inner;
    }
    if (token.type === 'ref') return { kind: 'ref', path: token.value };
    if (token.type === 'op') throw new ConditionError(`unexpected "${token.value}"`);
    return { kind: 'lit', value: token.value };
  };
  const cmp = (): Node => {
    const left = primary();
    const token = peek();
    if (token?.type === 'op' && ['==', '!=', '<', '<=', '>', '>=', '=~'].includes(token.value)) {
      pos++;
      return { kind: 'cmp', op: token.value, left, right: primary() };
    }
    return left;
  };
  const not = (): Node => {
    if (peek()?.type === 'op' && peek()?.value === '!') {
      pos++;
      return { kind: 'not', expr: not() };
    }
    return cmp();
  };
  const and = (): Node => {
    let left = not();
    while (peek()?.value === '&&') {
      pos++;
      left = { kind: 'and', left, right: not() };
    }
    return left;
  };
  const or = (): Node => {
    let left = and();
    while (peek()?.value === '||') {
      pos++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };
  if (tokens.length === 0) throw new ConditionError('empty condition');
  const tree = or();
  if (pos < tokens.length)
    throw new ConditionError(`unexpected "${tokens[pos]?.value}" after a complete condition`);
  return tree;
}

const truthy = (v: string) => v !== '' && v !== 'false' && v !== '0';

function evaluate(node: Node, scope: ReferenceScope): string | boolean {
  switch (node.kind) {
    case 'lit':
      return node.value;
    case 'ref':
      return lookup(node.path, scope) ?? '';
    case 'not':
      return !asBool(evaluate(node.expr, scope));
    case 'and':
      return asBool(evaluate(node.left, scope)) && asBool(evaluate(node.right, scope));
    case 'or':
      return asBool(evaluate(node.left, scope)) || asBool(evaluate(node.right, scope));
    case 'cmp': {
      const l = String(evaluate(node.left, scope));
      const r = String(evaluate(node.right, scope));
      if (node.op === '=~') return new RegExp(r).test(l);
      const numeric =
        l.trim() !== '' && r.trim() !== '' && !Number.isNaN(Number(l)) && !Number.isNaN(Number(r));
      const [a, b] = numeric ? [Number(l), Number(r)] : [l, r];
      switch (node.op) {
        case '==':
          return a === b;
        case '!=':
          return a !== b;
        case '<':
          return a < b;
        case '<=':
          return a <= b;
        case '>':
          return a > b;
        default:
          return a >= b;
      }
    }
  }
}

function asBool(value: string | boolean): boolean {
  return typeof value === 'boolean' ? value : truthy(value);
}

/** Parses once (errors point at the problem); the returned function evaluates against a scope. */
export function compileCondition(text: string): Condition {
  const tree = parse(tokenize(text));
  return (scope) => asBool(evaluate(tree, scope));
}

export function conditionReferences(text: string): string[] {
  return tokenize(text)
    .filter((t) => t.type === 'ref')
    .map((t) => t.value);
}
