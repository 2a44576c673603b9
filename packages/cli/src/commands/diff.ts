import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { SilentFailure } from '../exit-codes.js';
import { toYaml } from '../output.js';
import { unifiedDiff } from '../unified-diff.js';
import { type ApplyResult, applyDocuments, resultLabel } from './apply.js';

export interface DiffOptions {
  filename: string[];
}

/** What the user owns in a resource; server-kept fields would show as noise in every diff. */
export function comparable(resource: Record<string, unknown> | undefined): string {
  if (!resource) return '';
  const {
    status: _status,
    metadata,
    ...rest
  } = resource as { status?: unknown; metadata?: Record<string, unknown> };
  const { resourceVersion: _v, uid: _u, createdAt: _c, updatedAt: _m, ...meta } = metadata ?? {};
  return toYaml({ ...rest, metadata: meta });
}

export function renderDiff(result: ApplyResult): string {
  const label = resultLabel(result).replace(' ', '/');
  const text = unifiedDiff(
    comparable(result.before),
    comparable(result.after),
    `live/${label}`,
    `file/${label}`,
  );
  if (text) return text;
  // Write-only values (secrets) change without any visible text: name the fields instead.
  return `${result.changes.map((c) => `~ ${resultLabel(result)}: ${c.path} changed (write-only value)`).join('\n')}\n`;
}

/** Like kubectl diff: prints a unified diff of what apply would change; exit 1 when anything would. */
export async function runDiff(ctx: CliContext, options: DiffOptions): Promise<void> {
  const results = await applyDocuments(ctx, options.filename, true);
  const changed = results.filter((r) => r.action !== 'unchanged');
  for (const result of changed) ctx.out(renderDiff(result));
  if (changed.length > 0) throw new SilentFailure(1);
}

export function registerDiff(program: Command, ctx: CliContext): void {
  program
    .command('diff')
    .description('Show what apply would change, as a unified diff (exit 1 when it differs)')
    .requiredOption('-f, --filename <path...>', 'file, directory (recursive) or - for stdin')
    .action((options: DiffOptions) => runDiff(ctx, options));
}
