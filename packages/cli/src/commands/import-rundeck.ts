import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PontApiError } from '@pont/sdk';
import { type ImportResult, importRundeckFiles, RundeckFormatError } from '@pont/server/rundeck';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { toJson, toYaml } from '../output.js';
import { readAll } from '../resource-files.js';
import { type ApplyResult, resultLabel } from './apply.js';

export interface ImportRundeckOptions {
  project?: string;
  env?: string;
  output?: string;
  apply?: boolean;
  dryRun?: boolean;
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const EXPORTS = /\.(ya?ml|xml)$/i;

/** Files, directories (their .yaml, .yml and .xml files, recursively, in name order) or `-`. */
function listExports(paths: string[]): string[] {
  const files: string[] = [];
  const walk = (path: string, top: boolean) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) throw new UsageError(`${path}: no such file or directory`);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        if (!entry.startsWith('.')) walk(join(path, entry), false);
      }
    } else if (top || EXPORTS.test(path)) files.push(path);
  };
  for (const path of paths) {
    if (path === '-') files.push('-');
    else walk(path, true);
  }
  if (files.length === 0) throw new UsageError(`no .yaml, .yml or .xml files in ${paths.join(', ')}`);
  return files;
}

/** "could not map: …" for what was lost, "changed: …" for what was converted differently, then a summary. */
function printReport(ctx: CliContext, result: ImportResult, fileCount: number): void {
  for (const entry of result.report) {
    const job = entry.job === entry.name ? entry.job : `${entry.job} (${entry.name})`;
    const prefix = entry.kind === 'unmapped' ? 'could not map' : 'changed';
    ctx.err(`${prefix}: ${job}: ${entry.field}: ${entry.message}`);
  }
  const unmapped = result.report.filter((r) => r.kind === 'unmapped').length;
  const changed = result.report.length - unmapped;
  const jobs = result.resources.length;
  ctx.err(
    `imported ${jobs} job${jobs === 1 ? '' : 's'} from ${fileCount} file${fileCount === 1 ? '' : 's'}: ` +
      `${unmapped} field${unmapped === 1 ? '' : 's'} could not be mapped, ${changed} converted with changes`,
  );
}

/** Server details name a document of the batch: say which Rundeck job, file and line it came from. */
function locate(error: unknown, result: ImportResult): unknown {
  if (!(error instanceof PontApiError)) return error;
  const details = error.details.map((d) => {
    const origin = d.document !== undefined ? result.origins[d.document] : undefined;
    if (!origin) return d;
    return {
      ...d,
      file: origin.file,
      ...(origin.line !== undefined ? { line: origin.line, column: 1 } : {}),
      message: `Rundeck job "${origin.job}": ${d.message}`,
    };
  });
  return new PontApiError(error.status, error.code, error.message, details);
}

export async function runImportRundeck(
  ctx: CliContext,
  paths: string[],
  options: ImportRundeckOptions,
): Promise<void> {
  const format = options.output ?? (options.apply ? 'name' : 'yaml');
  const formats = options.apply ? ['name', 'yaml', 'json'] : ['yaml', 'json'];
  if (!formats.includes(format))
    throw new UsageError(`invalid output format "${format}": expected ${formats.join(', ')}`);
  if (options.dryRun && !options.apply) throw new UsageError('--dry-run goes with --apply');
  if (options.env !== undefined && !NAME.test(options.env)) {
    throw new UsageError(`invalid environment "${options.env}": lowercase letters, digits and "-"`);
  }
  const project = ctx.project(options.project);
  const files = listExports(paths);
  const sources: Array<{ file: string; text: string }> = [];
  for (const file of files) {
    const text = file === '-' ? await readAll(ctx.stdin) : readFileSync(file, 'utf8');
    sources.push({ file: file === '-' ? '<stdin>' : relative(process.cwd(), file) || file, text });
  }
  let result: ImportResult;
  try {
    result = importRundeckFiles(sources, { project, ...(options.env ? { environment: options.env } : {}) });
  } catch (error) {
    if (error instanceof RundeckFormatError) throw new Error(error.message);
    throw error;
  }
  if (result.resources.length === 0) throw new UsageError(`no Rundeck jobs in ${paths.join(', ')}`);
  if (!options.env && result.scheduled.length > 0) {
    throw new UsageError(
      `${result.scheduled.map((j) => `"${j}"`).join(', ')} ${result.scheduled.length === 1 ? 'has a schedule' : 'have schedules'}: pass --env ENVIRONMENT, the environment pont runs them in`,
    );
  }
  printReport(ctx, result, files.length);

  if (!options.apply) {
    if (format === 'json') return ctx.out(toJson({ items: result.resources }));
    return ctx.out(result.resources.map((r) => toYaml(r)).join('---\n'));
  }
  let results: ApplyResult[];
  try {
    const answer = await ctx.client().request<{ results: ApplyResult[] }>('POST', '/api/v1/apply', {
      query: { dryRun: options.dryRun || undefined },
      body: { items: result.resources },
    });
    results = answer.results;
  } catch (error) {
    throw locate(error, result);
  }
  if (format === 'json') return ctx.out(toJson({ results }));
  if (format === 'yaml') return ctx.out(toYaml({ results }));
  for (const r of results) ctx.out(`${resultLabel(r)} ${r.action}${options.dryRun ? ' (dry run)' : ''}`);
}

/** `pont import rundeck FILE...`: Rundeck job exports → pont Job resources, converted on this machine. */
export function registerImport(program: Command, ctx: CliContext): void {
  const command = program
    .command('import')
    .description('Convert definitions from other tools into pont resources');
  command
    .command('rundeck')
    .description(
      'Convert Rundeck job exports (YAML or XML) into pont Jobs: printed as YAML, or applied with --apply. ' +
        'What cannot be converted is listed on stderr.',
    )
    .argument('<file...>', 'Rundeck job exports, directories of them, or - for stdin')
    .option('-p, --project <project>', 'project (default: PONT_PROJECT or `pont project use`)')
    .option(
      '--env <environment>',
      'the environment scheduled jobs run in (required when a job has a schedule)',
    )
    .option('-o, --output <format>', 'yaml (default) or json; with --apply: name (default), yaml or json')
    .option('--apply', 'send the jobs to the server in one transaction, as `pont apply` does')
    .option('--dry-run', 'with --apply: validate on the server without writing')
    .action((files: string[], options: ImportRundeckOptions) => runImportRundeck(ctx, files, options));
}
