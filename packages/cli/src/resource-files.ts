import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type ApiErrorDetail, type ParsedDocument, PontApiError, parseYamlDocuments } from '@pont/sdk';
import { UsageError } from './exit-codes.js';

const EXTENSIONS = /\.(ya?ml|json)$/i;

export interface LoadedDocuments {
  documents: ParsedDocument[];
}

/** Every YAML/JSON file under the paths (directories recursively, in name order); `-` is stdin. */
export function listResourceFiles(paths: string[]): string[] {
  const files: string[] = [];
  const walk = (path: string) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) throw new UsageError(`${path}: no such file or directory`);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        if (entry.startsWith('.')) continue;
        const child = join(path, entry);
        if (statSync(child).isDirectory() || EXTENSIONS.test(entry)) walk(child);
      }
    } else {
      files.push(path);
    }
  };
  for (const path of paths) {
    if (path === '-') files.push('-');
    else walk(path);
  }
  if (files.length === 0) throw new UsageError(`no .yaml, .yml or .json files in ${paths.join(', ')}`);
  return files;
}

/** Parses every file; syntax errors in any file stop everything before the server is asked. */
export async function loadDocuments(
  paths: string[],
  readStdin: () => Promise<string>,
): Promise<LoadedDocuments> {
  const documents: ParsedDocument[] = [];
  const problems: ApiErrorDetail[] = [];
  for (const file of listResourceFiles(paths)) {
    const text = file === '-' ? await readStdin() : readFileSync(file, 'utf8');
    const name = file === '-' ? '<stdin>' : relative(process.cwd(), file) || file;
    const parsed = parseYamlDocuments(text, name);
    documents.push(...parsed.documents);
    problems.push(
      ...parsed.problems.map((p) => ({ file: p.file, line: p.line, column: p.column, message: p.message })),
    );
  }
  if (problems.length > 0) {
    const first = problems[0];
    throw new PontApiError(
      0,
      'YAML_SYNTAX',
      `${first?.file}:${first?.line}:${first?.column}: ${first?.message}`,
      problems,
    );
  }
  if (documents.length === 0) throw new UsageError(`no resources found in ${paths.join(', ')}`);
  return { documents };
}

/** Server details name a document index and a field path; turn them into file:line:column. */
export function locateError(error: unknown, documents: ParsedDocument[]): unknown {
  if (!(error instanceof PontApiError)) return error;
  const details = error.details.map((d) => {
    const doc = d.document !== undefined ? documents[d.document] : undefined;
    if (!doc) return d;
    const at = doc.positionOf(d.path ?? '');
    return { ...d, file: doc.file, line: at.line, column: at.column };
  });
  const first = details[0];
  const message =
    first?.file && first.line
      ? `${first.file}:${first.line}:${first.column}: ${error.message}`
      : error.message;
  return new PontApiError(error.status, error.code, message, details);
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
