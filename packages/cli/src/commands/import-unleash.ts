import { readFileSync } from 'node:fs';
import { type ClientFeaturesResponse, type FlagResource, fromUnleash, type SegmentResource } from '@pont/sdk';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { parseOutput, toJson, toYaml } from '../output.js';
import { readAll } from '../resource-files.js';
import { printResults } from './flags.js';

export interface ImportUnleashOptions {
  project?: string;
  env?: string;
  dryRun?: boolean;
  print?: boolean;
  output?: string;
}

function parseExport(text: string, file: string): ClientFeaturesResponse {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `${file}: not JSON (${(error as Error).message}); expected a /api/client/features body`,
    );
  }
  if (!body || typeof body !== 'object' || !Array.isArray((body as { features?: unknown }).features)) {
    throw new UsageError(
      `${file}: expected an Unleash /api/client/features body: {"features": [...], "segments": [...]}`,
    );
  }
  return body as ClientFeaturesResponse;
}

/**
 * `pont import unleash FILE -p PROJECT --env ENV`: an Unleash client-features export (with segments)
 * becomes Flag and Segment resources; flags that already exist keep their other environments.
 */
export async function runImportUnleash(
  ctx: CliContext,
  file: string,
  options: ImportUnleashOptions,
): Promise<void> {
  if (!options.env) throw new UsageError('pass --env ENV: the environment the export describes');
  const project = ctx.project(options.project);
  const text = file === '-' ? await readAll(ctx.stdin) : readFileSync(file, 'utf8');
  const body = parseExport(text, file);
  const client = ctx.client();
  const base = `/api/v1/projects/${encodeURIComponent(project)}`;
  const [flags, segments] = options.print
    ? [{ items: [] }, { items: [] }]
    : await Promise.all([
        client.request<{ items: FlagResource[] }>('GET', `${base}/flags`),
        client.request<{ items: SegmentResource[] }>('GET', `${base}/segments`),
      ]);
  const imported = fromUnleash(body, {
    project,
    environment: options.env,
    existingFlags: flags.items,
    existingSegments: segments.items,
  });
  for (const skipped of imported.skipped) {
    ctx.err(`skipped ${skipped.name}: ${skipped.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
  const items = [...imported.segments, ...imported.flags];
  if (options.print) {
    const format = parseOutput(options.output, 'yaml');
    ctx.out(format === 'json' ? toJson({ items }) : items.map((i) => toYaml(i)).join('---\n'));
    return;
  }
  if (items.length === 0) throw new UsageError(`${file}: nothing to import`);
  const { results } = await client.request<{ results: Parameters<typeof printResults>[1] }>(
    'POST',
    `${base}/flag-changes`,
    {
      body: { items, ...(options.dryRun ? { dryRun: true } : {}) },
    },
  );
  const format = parseOutput(options.output, 'name');
  if (format === 'json') return ctx.out(toJson({ results, skipped: imported.skipped }));
  if (format === 'yaml') return ctx.out(toYaml({ results, skipped: imported.skipped }));
  printResults(ctx, results, project);
  ctx.err(
    `imported ${imported.flags.length} flag(s) and ${imported.segments.length} segment(s) into ${project}/${options.env}` +
      (imported.skipped.length ? `; ${imported.skipped.length} skipped (see above)` : ''),
  );
}

export function registerImportUnleash(program: Command, ctx: CliContext): void {
  // `pont import` is shared with other importers (rundeck): join it when it exists.
  const parent =
    program.commands.find((c) => c.name() === 'import') ??
    program.command('import').description('Convert definitions from other tools into pont resources');
  parent
    .command('unleash')
    .argument('<file>', 'an Unleash /api/client/features body with its segments (JSON), or - for stdin')
    .description(
      'Import Unleash flags and segments into one environment of a project; run once per environment. ' +
        'Changes to a protected environment wait for approval; what pont cannot represent is listed on stderr.',
    )
    .option('-p, --project <project>', 'project (default: PONT_PROJECT or `pont project use`)')
    .option('--env <environment>', 'the environment the export describes')
    .option('--dry-run', 'validate on the server without writing')
    .option('--print', 'print the resources as YAML instead of sending them')
    .option('-o, --output <format>', 'name (default), yaml or json')
    .action((file: string, options: ImportUnleashOptions) => runImportUnleash(ctx, file, options));
}
