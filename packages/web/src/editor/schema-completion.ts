import type { EditorState, Text } from '@codemirror/state';
import type { JsonSchema } from '../api/types';

// Structural copies of @codemirror/autocomplete's types: basicSetup already runs autocompletion
// and reads sources from language data, so the console needs no extra package for this.
interface CompletionContext {
  state: EditorState;
  pos: number;
  explicit: boolean;
}
interface Completion {
  label: string;
  type?: string;
  detail?: string;
  info?: string;
  apply?: string;
  boost?: number;
}
export type CompletionSource = (context: CompletionContext) => {
  from: number;
  options: Completion[];
  validFor?: RegExp;
} | null;

const KEY_LINE = /^(\s*)(-\s+)?([A-Za-z0-9_.$-]+)\s*:(?:\s|$)/;
const DASH_ONLY = /^(\s*)-\s*$/;

/** One step of a YAML path: a mapping key, or "[]" for "an item of this list". */
type Segment = string;

/**
 * The chain of keys enclosing a position, found by indentation as a human reads YAML. Good enough
 * for completion; the server's parser stays the judge of what the document means.
 */
export function pathAt(
  doc: Text,
  lineNo: number,
  indent: number,
): { path: Segment[]; siblings: Set<string> } {
  const path: Segment[] = [];
  const siblings = new Set<string>();
  let want = indent;
  let collectSiblings = true;
  for (let l = lineNo - 1; l >= 1 && want > 0; l--) {
    const text = doc.line(l).text;
    if (!text.trim() || text.trimStart().startsWith('#')) continue;
    const m = KEY_LINE.exec(text) ?? DASH_ONLY.exec(text);
    const lineIndent = m?.[1]?.length ?? text.length - text.trimStart().length;
    const dash = m?.[2] ?? (DASH_ONLY.test(text) ? '- ' : undefined);
    const key = m?.[3];
    const contentIndent = lineIndent + (dash?.length ?? 0);
    if (dash && contentIndent === want) {
      // "- key: v" opening the list item we are in: a sibling, then the list itself encloses us.
      if (collectSiblings && key) siblings.add(key);
      collectSiblings = false;
      path.unshift('[]');
      want = lineIndent;
      continue;
    }
    if (lineIndent === want && key && !dash && collectSiblings) siblings.add(key);
    if (lineIndent < want && key) {
      if (dash) {
        path.unshift(key);
        path.unshift('[]');
      } else {
        path.unshift(key);
      }
      collectSiblings = false;
      want = lineIndent;
    }
  }
  return { path, siblings };
}

/** Keys already written below the cursor in the same block, so they are not offered twice. */
function siblingsBelow(doc: Text, lineNo: number, indent: number, into: Set<string>): void {
  for (let l = lineNo + 1; l <= doc.lines; l++) {
    const text = doc.line(l).text;
    if (!text.trim() || text.trimStart().startsWith('#')) continue;
    const lineIndent = text.length - text.trimStart().length;
    if (lineIndent < indent || (lineIndent === indent && text.trimStart().startsWith('-'))) return;
    const m = KEY_LINE.exec(text);
    if (lineIndent === indent && m?.[3] && !m[2]) into.add(m[3]);
  }
}

function variants(schema: JsonSchema): JsonSchema[] {
  return [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
}

export function schemaAt(root: JsonSchema, path: Segment[]): JsonSchema | undefined {
  let current: JsonSchema | undefined = root;
  for (const segment of path) {
    if (!current) return undefined;
    const options: JsonSchema[] = variants(current);
    let next: JsonSchema | undefined;
    for (const option of options) {
      next =
        segment === '[]'
          ? option.items
          : (option.properties?.[segment] ??
            (typeof option.additionalProperties === 'object' ? option.additionalProperties : undefined) ??
            Object.values(option.patternProperties ?? {})[0]);
      if (next) break;
    }
    current = next;
  }
  return current;
}

function propertiesOf(schema: JsonSchema): Array<[string, JsonSchema, boolean]> {
  const out: Array<[string, JsonSchema, boolean]> = [];
  for (const option of variants(schema)) {
    for (const [key, value] of Object.entries(option.properties ?? {})) {
      out.push([key, value, option.required?.includes(key) ?? false]);
    }
  }
  return out;
}

function typeLabel(schema: JsonSchema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return alternatives.map(typeLabel).join(' | ');
  return Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any');
}

function valuesOf(schema: JsonSchema): unknown[] {
  const out: unknown[] = [];
  for (const option of variants(schema)) {
    if (option.const !== undefined) out.push(option.const);
    if (option.enum) out.push(...option.enum);
    if (option.type === 'boolean') out.push(true, false);
  }
  return [...new Set(out)];
}

/** Field names (and enum values after "key: ") from the kind's JSON Schema. */
export function schemaCompletion(schema: JsonSchema): CompletionSource {
  return (context) => {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);

    const valueMatch = /^(\s*)(-\s+)?([A-Za-z0-9_.$-]+):\s+([\w#-]*)$/.exec(before);
    if (valueMatch) {
      // A new "- " item: its enclosing list is found from the dash's own indentation.
      const indent = valueMatch[1]?.length ?? 0;
      const { path } = pathAt(context.state.doc, line.number, indent);
      if (valueMatch[2]) path.push('[]');
      const field = schemaAt(schema, [...path, valueMatch[3] ?? '']);
      const values = field ? valuesOf(field) : [];
      if (values.length === 0) return null;
      return {
        from: context.pos - (valueMatch[4]?.length ?? 0),
        options: values.map((v) => ({ label: String(v), type: 'enum' })),
      };
    }

    const keyMatch = /^(\s*)(-\s+)?([A-Za-z0-9_.$-]*)$/.exec(before);
    if (!keyMatch) return null;
    if (!context.explicit && !keyMatch[3] && !keyMatch[2]) return null;
    const indent = keyMatch[1]?.length ?? 0;
    const { path, siblings } = pathAt(context.state.doc, line.number, indent);
    if (keyMatch[2]) {
      path.push('[]');
      siblings.clear();
    } else {
      siblingsBelow(context.state.doc, line.number, indent, siblings);
    }
    const target = schemaAt(schema, path);
    if (!target) return null;
    const options = propertiesOf(target)
      .filter(([key]) => !siblings.has(key))
      .map(([key, value, required]) => {
        const option: Completion = {
          label: key,
          type: 'property',
          detail: `${typeLabel(value)}${required ? ' · required' : ''}`,
          apply: `${key}: `,
          boost: required ? 1 : 0,
        };
        if (value.description) option.info = value.description;
        return option;
      });
    if (options.length === 0) return null;
    return { from: context.pos - (keyMatch[3]?.length ?? 0), options, validFor: /^[A-Za-z0-9_.$-]*$/ };
  };
}
