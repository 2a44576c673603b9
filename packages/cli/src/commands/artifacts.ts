import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { age, parseOutput, renderTable, toJson, toYaml } from '../output.js';

interface Artifact {
  app: string;
  version: string;
  file: string;
  size: number;
  sha256: string;
  labels: Record<string, string>;
  uploadedBy: string;
  uploadedAt: string;
}

const base = (project: string) => `/api/v1/projects/${encodeURIComponent(project)}/artifacts`;
const one = (project: string, app: string, version: string) =>
  `${base(project)}/${encodeURIComponent(app)}/${encodeURIComponent(version)}`;

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

export function registerArtifacts(program: Command, ctx: CliContext): void {
  const artifacts = program
    .command('artifacts')
    .description('Versions of apps: push, list, download, delete (deploy them with pont deploy)');

  artifacts
    .command('push')
    .description('Upload a version of an app (streamed; its sha256 is recorded; versions are immutable)')
    .argument('<app>')
    .argument('<version>')
    .argument('<file>', 'local file: tarball, war, jar, zip…')
    .option('-p, --project <project>', 'project')
    .option(
      '-l, --label <key=value...>',
      'labels kept with the version (commit, build URL); repeat for several',
    )
    .action(
      async (app: string, version: string, file: string, options: { project?: string; label?: string[] }) => {
        const stat = statSync(file, { throwIfNoEntry: false });
        if (!stat?.isFile()) throw new UsageError(`${file} is not a file`);
        for (const label of options.label ?? [])
          if (!/^[^=,]+=[^,]*$/.test(label))
            throw new UsageError(`--label expects key=value (no commas), got "${label}"`);
        const project = ctx.project(options.project);
        const response = await ctx.client().fetchRaw('PUT', one(project, app, version), {
          query: { fileName: basename(file), labels: options.label?.join(',') || undefined },
          rawBody: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
          contentType: 'application/octet-stream',
          headers: { 'content-length': String(stat.size) },
          signal: AbortSignal.timeout(3_600_000),
        });
        const artifact = (await response.json()) as Artifact;
        ctx.out(
          `pushed ${artifact.app} ${artifact.version}: ${artifact.size} bytes, sha256 ${artifact.sha256}`,
        );
      },
    );

  artifacts
    .command('list')
    .description('Artifacts, newest first')
    .argument('[app]', 'only this app')
    .option('-p, --project <project>', 'project')
    .option('-o, --output <format>', 'table, yaml or json')
    .action(async (app: string | undefined, options: { project?: string; output?: string }) => {
      const project = ctx.project(options.project);
      const { items } = await ctx
        .client()
        .request<{ items: Artifact[] }>('GET', base(project), { query: { app } });
      const format = parseOutput(options.output);
      if (format === 'json') return ctx.out(toJson({ items }));
      if (format === 'yaml') return ctx.out(toYaml(items));
      if (items.length === 0) return ctx.err('No artifacts found.');
      ctx.out(
        renderTable(
          ['APP', 'VERSION', 'SIZE', 'SHA256', 'LABELS', 'BY', 'AGE'],
          items.map((a) => [
            a.app,
            a.version,
            size(a.size),
            a.sha256.slice(0, 16),
            Object.entries(a.labels)
              .map(([k, v]) => `${k}=${v}`)
              .join(','),
            a.uploadedBy,
            age(a.uploadedAt),
          ]),
        ),
      );
    });

  artifacts
    .command('download')
    .description('Download a version; its sha256 is checked against the recorded one')
    .argument('<app>')
    .argument('<version>')
    .option('-p, --project <project>', 'project')
    .option('-O, --output-file <path>', 'where to write it (default: its stored file name)')
    .action(async (app: string, version: string, options: { project?: string; outputFile?: string }) => {
      const project = ctx.project(options.project);
      const response = await ctx.client().fetchRaw('GET', `${one(project, app, version)}/content`, {
        headers: { accept: 'application/octet-stream' },
        signal: AbortSignal.timeout(3_600_000),
      });
      const disposition = response.headers.get('content-disposition') ?? '';
      const target = options.outputFile ?? /filename="([^"]+)"/.exec(disposition)?.[1] ?? `${app}-${version}`;
      if (!response.body) throw new Error('empty response');
      const { createHash } = await import('node:crypto');
      const hash = createHash('sha256');
      const temp = `${target}.part`;
      await pipeline(
        Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>),
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(temp),
      );
      const expected = response.headers.get('x-sha256');
      const actual = hash.digest('hex');
      if (expected && expected !== actual) {
        await rm(temp, { force: true });
        throw new Error(`checksum mismatch for ${app} ${version}: expected ${expected}, got ${actual}`);
      }
      await rename(temp, target);
      ctx.out(`downloaded ${app} ${version} to ${target} (sha256 ${actual})`);
    });

  artifacts
    .command('get')
    .description('One artifact')
    .argument('<app>')
    .argument('<version>')
    .option('-p, --project <project>', 'project')
    .option('-o, --output <format>', 'yaml (default) or json')
    .action(async (app: string, version: string, options: { project?: string; output?: string }) => {
      const project = ctx.project(options.project);
      const artifact = await ctx.client().request<Artifact>('GET', one(project, app, version));
      ctx.out(parseOutput(options.output, 'yaml') === 'json' ? toJson(artifact) : toYaml(artifact));
    });

  artifacts
    .command('delete')
    .description('Delete a version that runs nowhere and is no rollback target')
    .argument('<app>')
    .argument('<version>')
    .option('-p, --project <project>', 'project')
    .action(async (app: string, version: string, options: { project?: string }) => {
      const project = ctx.project(options.project);
      await ctx.client().request('DELETE', one(project, app, version));
      ctx.out(`deleted ${app} ${version}`);
    });
}
