import { isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';

/** A position in a source file, 1-based like editors show it. */
export interface SourcePosition {
  line: number;
  column: number;
}

export interface YamlProblem extends SourcePosition {
  file: string;
  message: string;
  document?: number;
  path?: string;
}

export interface ParsedDocument {
  file: string;
  /** Index of the document within its file. */
  index: number;
  value: unknown;
  /** Where the value at `path` (e.g. `spec.steps[2].exec`) starts; the nearest existing parent otherwise. */
  positionOf(path: string): SourcePosition;
}

export interface ParsedYaml {
  documents: ParsedDocument[];
  problems: YamlProblem[];
}

/**
 * Parses a multi-document YAML text, keeping enough of the syntax tree to point a schema error at
 * `file:line:column`. Empty documents (a trailing `---`) are dropped.
 */
export function parseYamlDocuments(text: string, file = '<input>'): ParsedYaml {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const documents: ParsedDocument[] = [];
  const problems: YamlProblem[] = [];
  const list = Array.isArray(docs) ? docs : [];
  list.forEach((doc, index) => {
    for (const error of doc.errors) {
      const pos = lineCounter.linePos(error.pos[0]);
      problems.push({
        file,
        line: pos.line,
        column: pos.col,
        message: firstLine(error.message),
        document: index,
      });
    }
    if (doc.errors.length > 0 || doc.contents === null) return;
    const root = doc.contents as Node;
    const position = (offset: number | undefined): SourcePosition => {
      const p = lineCounter.linePos(offset ?? 0);
      return { line: p.line, column: p.col };
    };
    documents.push({
      file,
      index,
      value: doc.toJS({ maxAliasCount: 100 }),
      positionOf(path) {
        return position(locate(root, splitPath(path)));
      },
    });
  });
  return { documents, problems };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** `spec.steps[2].exec` → ['spec', 'steps', 2, 'exec'] */
export function splitPath(path: string): Array<string | number> {
  const parts: Array<string | number> = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) parts.push(Number(match[2]));
    else if (match[1] !== undefined) parts.push(match[1]);
  }
  return parts;
}

function locate(root: Node, path: Array<string | number>): number | undefined {
  let node: Node | null | undefined = root;
  let offset = root.range?.[0];
  for (const [i, key] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) return offset;
      const keyNode = pair.key as Node;
      const last = i === path.length - 1;
      // The field itself is reported at its key, as editors underline it; a parent at its value.
      offset = (last ? undefined : (pair.value as Node | null)?.range?.[0]) ?? keyNode.range?.[0] ?? offset;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (!item) return offset;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}
