import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { parseOutput, toJson, toYaml } from '../output.js';
import { loadDocuments, locateError, readAll } from '../resource-files.js';

export interface ApplyOptions {
  filename: string[];
  dryRun?: boolean;
  output?: string;
}

export interface ApplyResult {
  kind: string;
  project?: string;
  name: string;
  action: 'created' | 'configured' | 'unchanged' | 'deleted';
  resourceVersion?: string;
  changes: Array<{ path: string; before?: unknown; after?: unknown }>;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

export function resultLabel(r: ApplyResult): string {
  return `${r.kind} ${r.project ? `${r.project}/` : ''}${r.name}`;
}

/** Sends every document of every file in one request: the server applies all or nothing. */
export async function applyDocuments(
  ctx: CliContext,
  filename: string[],
  dryRun: boolean,
): Promise<ApplyResult[]> {
  const { documents } = await loadDocuments(filename, () => readAll(ctx.stdin));
  try {
    const answer = await ctx.client().request<{ results: ApplyResult[] }>('POST', '/api/v1/apply', {
      query: { dryRun: dryRun || undefined },
      body: { items: documents.map((d) => d.value) },
    });
    return answer.results;
  } catch (error) {
    throw locateError(error, documents);
  }
}

export async function runApply(ctx: CliContext, options: ApplyOptions): Promise<void> {
  const format = parseOutput(options.output, 'name');
  const results = await applyDocuments(ctx, options.filename, options.dryRun === true);
  if (format === 'json') return ctx.out(toJson({ results }));
  if (format === 'yaml') return ctx.out(toYaml({ results }));
  for (const r of results) ctx.out(`${resultLabel(r)} ${r.action}${options.dryRun ? ' (dry run)' : ''}`);
}

export function registerApply(program: Command, ctx: CliContext): void {
  program
    .command('apply')
    .description('Create or update resources from YAML files or directories, in one transaction')
    .requiredOption('-f, --filename <path...>', 'file, directory (recursive) or - for stdin')
    .option('--dry-run', 'validate and show what would happen without writing')
    .option('-o, --output <format>', 'name (default), yaml or json')
    .action((options: ApplyOptions) => runApply(ctx, options));
}
