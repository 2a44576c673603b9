import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { age, parseOutput, renderTable, toJson } from '../output.js';

interface StoredFile {
  name: string;
  size: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: string;
}

export function registerFiles(program: Command, ctx: CliContext): void {
  const files = program.command('files').description('Files uploaded to a project, for copy steps');
  files
    .command('push')
    .argument('<name>', 'name in the project, used by copy steps as `file: NAME`')
    .argument('<path>', 'local file')
    .option('-p, --project <project>', 'project')
    .description('Upload a file (streamed; its sha256 is recorded)')
    .action(async (name: string, path: string, options: { project?: string }) => {
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat?.isFile()) throw new UsageError(`${path} is not a file`);
      const project = ctx.project(options.project);
      const client = ctx.client();
      const response = await client.fetchRaw(
        'PUT',
        `/api/v1/projects/${encodeURIComponent(project)}/files/${encodeURIComponent(name)}`,
        {
          rawBody: Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>,
          contentType: 'application/octet-stream',
          headers: { 'content-length': String(stat.size) },
          signal: AbortSignal.timeout(3_600_000),
        },
      );
      const file = (await response.json()) as StoredFile;
      ctx.out(`uploaded ${file.name}: ${file.size} bytes, sha256 ${file.sha256}`);
    });
  files
    .command('list')
    .option('-p, --project <project>', 'project')
    .option('-o, --output <format>', 'table or json')
    .action(async (options: { project?: string; output?: string }) => {
      const project = ctx.project(options.project);
      const { items } = await ctx
        .client()
        .request<{ items: StoredFile[] }>('GET', `/api/v1/projects/${encodeURIComponent(project)}/files`);
      if (parseOutput(options.output) === 'json') return ctx.out(toJson({ items }));
      ctx.out(
        renderTable(
          ['NAME', 'SIZE', 'SHA256', 'BY', 'AGE'],
          items.map((f) => [f.name, String(f.size), f.sha256.slice(0, 16), f.uploadedBy, age(f.uploadedAt)]),
        ),
      );
    });
}
