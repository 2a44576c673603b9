import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { kindPath, resolveKind } from '../kinds.js';
import { loadDocuments, readAll } from '../resource-files.js';

export interface DeleteOptions {
  project?: string;
  filename?: string[];
  cascade?: boolean;
}

interface Deleted {
  results: Array<{ kind: string; project?: string; name: string }>;
}

export async function runDelete(
  ctx: CliContext,
  kindName: string | undefined,
  name: string | undefined,
  options: DeleteOptions,
): Promise<void> {
  const client = ctx.client();
  const targets: Array<{ kind: string; project?: string; name: string }> = [];
  if (options.filename) {
    const { documents } = await loadDocuments(options.filename, () => readAll(ctx.stdin));
    for (const doc of documents) {
      const value = doc.value as { kind?: string; metadata?: { name?: string; project?: string } };
      if (!value.kind || !value.metadata?.name)
        throw new UsageError(`${doc.file}: a document has no kind or metadata.name`);
      targets.push({
        kind: value.kind,
        name: value.metadata.name,
        ...(value.metadata.project ? { project: value.metadata.project } : {}),
      });
    }
  } else {
    if (!kindName || !name)
      throw new UsageError('usage: pont delete KIND NAME [-p PROJECT] or pont delete -f FILE');
    targets.push({ kind: kindName, name, ...(options.project ? { project: options.project } : {}) });
  }
  for (const target of targets) {
    const kind = await resolveKind(client, target.kind);
    const project =
      kind.scope === 'project' ? (target.project ?? ctx.project(options.project)) : target.project;
    const answer = await client.request<Deleted>('DELETE', kindPath(kind, project, target.name), {
      query: { cascade: options.cascade || undefined },
    });
    for (const r of answer.results) ctx.out(`${r.kind} ${r.project ? `${r.project}/` : ''}${r.name} deleted`);
  }
}

export function registerDelete(program: Command, ctx: CliContext): void {
  program
    .command('delete')
    .description('Delete a resource (or every resource named in files)')
    .argument('[kind]')
    .argument('[name]')
    .option('-p, --project <project>', 'project')
    .option('-f, --filename <path...>', 'delete the resources these files describe')
    .option('--cascade', 'deleting a project also deletes everything in it')
    .action((kind: string | undefined, name: string | undefined, options: DeleteOptions) =>
      runDelete(ctx, kind, name, options),
    );
}
