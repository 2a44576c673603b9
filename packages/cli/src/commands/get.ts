import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { kindPath, resolveKind } from '../kinds.js';
import { parseOutput, renderTable, toJson, toYaml } from '../output.js';
import { type ResourceLike, resourceTable } from '../resource-columns.js';

export interface GetOptions {
  project?: string;
  allProjects?: boolean;
  output?: string;
  selector?: string;
}

export async function runGet(
  ctx: CliContext,
  kindName: string,
  name: string | undefined,
  options: GetOptions,
): Promise<void> {
  const format = parseOutput(options.output);
  const client = ctx.client();
  const kind = await resolveKind(client, kindName);
  if (options.allProjects && name)
    throw new UsageError('--all-projects lists; it cannot be combined with a NAME');
  const needsProject = kind.scope === 'project' && !options.allProjects;
  const project = needsProject
    ? ctx.project(options.project)
    : kind.scope === 'both'
      ? options.project
      : undefined;

  if (name) {
    const item = await client.request<ResourceLike>('GET', kindPath(kind, project, name));
    if (format === 'json') return ctx.out(toJson(item));
    if (format === 'yaml') return ctx.out(toYaml(item));
    if (format === 'name') return ctx.out(`${item.kind}/${item.metadata.name}`);
    const table = resourceTable([item], false);
    return ctx.out(renderTable(table.headers, table.rows));
  }

  const items: ResourceLike[] = [];
  let cont: string | undefined;
  do {
    const page = await client.request<{ items: ResourceLike[]; continue?: string }>(
      'GET',
      kindPath(kind, project),
      {
        query: { labelSelector: options.selector, limit: 500, continue: cont },
      },
    );
    items.push(...page.items);
    cont = page.continue;
  } while (cont);

  if (format === 'json') return ctx.out(toJson({ items }));
  if (format === 'yaml') return ctx.out(items.map((i) => toYaml(i)).join('---\n'));
  if (format === 'name') return ctx.out(items.map((i) => `${i.kind}/${i.metadata.name}`).join('\n'));
  if (items.length === 0) {
    ctx.err(`No ${kind.plural} found${project ? ` in project ${project}` : ''}.`);
    return;
  }
  const table = resourceTable(items, options.allProjects === true);
  ctx.out(renderTable(table.headers, table.rows));
}

export function registerGet(program: Command, ctx: CliContext): void {
  program
    .command('get')
    .description('List resources of a kind, or show one')
    .argument('<kind>', 'projects, environments, nodes, secrets, policies, jobs, … (singular or plural)')
    .argument('[name]', 'one resource')
    .option('-p, --project <project>', 'project (default: PONT_PROJECT or `pont project use`)')
    .option('-A, --all-projects', 'list across every project')
    .option('-o, --output <format>', 'table (default), yaml, json or name')
    .option('-l, --selector <selector>', 'label selector, e.g. team=payments,tier!=db')
    .action((kind: string, name: string | undefined, options: GetOptions) =>
      runGet(ctx, kind, name, options),
    );
}
