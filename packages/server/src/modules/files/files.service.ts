import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { PontError } from '../../errors/index.js';
import { type Clock, isoNow } from '../../lib/clock.js';
import { type Actor, actorLabel } from '../auth/actor.js';
import type { Authorizer } from '../policies/authorizer.js';

export interface StoredFile {
  project: string;
  name: string;
  size: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: string;
}

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export type FilesService = ReturnType<typeof createFilesService>;

/**
 * Files uploaded to a project for copy steps (`pont files push`). Uploads stream to disk with
 * their sha256 computed on the way, so a large file never sits in memory.
 */
export function createFilesService(deps: {
  db: Kysely<Database>;
  dataDir: string;
  authorizer: Authorizer;
  clock: Clock;
  maxBytes: number;
}) {
  const root = resolve(deps.dataDir, 'files');

  function pathOf(project: string, name: string): string {
    if (!FILE_NAME.test(name)) {
      throw new PontError('VALIDATION_FAILED', `invalid file name "${name}"`, [
        { path: 'name', message: 'letters, digits, ".", "_" and "-", starting with a letter or digit' },
      ]);
    }
    return join(root, project, name);
  }

  let ownerOf: (project: string, name: string) => Promise<string | undefined> = async () => undefined;

  /** Files another module owns (artifacts) change only through that module. */
  async function guard(actor: Actor, project: string, name: string): Promise<void> {
    if (actor.type === 'system') return;
    const owner = await ownerOf(project, name);
    if (owner) {
      throw new PontError(
        'INVALID_STATE',
        `file ${name} holds ${owner}: it changes only through its module`,
        [
          {
            path: 'name',
            message:
              'artifacts are immutable: push a new version (pont artifacts push) or pick another file name',
          },
        ],
      );
    }
  }

  return {
    root,
    /** Lets a module (deployments) claim files, so plain uploads cannot overwrite or delete them. */
    setOwnerLookup(lookup: (project: string, name: string) => Promise<string | undefined>): void {
      ownerOf = lookup;
    },
    /** The on-disk path of a file, for copy steps; `path` sources must stay inside files/. */
    resolvePath(relative: string): string {
      const full = resolve(root, relative);
      if (!full.startsWith(root + sep))
        throw new PontError('VALIDATION_FAILED', `path ${relative} is outside the files directory`);
      return full;
    },
    pathOf,

    async upload(actor: Actor, project: string, name: string, body: Readable): Promise<StoredFile> {
      await deps.authorizer.require(actor, 'apply', { kind: 'File', project, name });
      const target = pathOf(project, name);
      await guard(actor, project, name);
      await mkdir(join(root, project), { recursive: true });
      const temp = `${target}.upload-${process.pid}-${Date.now()}`;
      const hash = createHash('sha256');
      let size = 0;
      try {
        await pipeline(
          body,
          async function* (source: AsyncIterable<Buffer>) {
            for await (const chunk of source) {
              size += chunk.length;
              if (size > deps.maxBytes)
                throw new PontError(
                  'PAYLOAD_TOO_LARGE',
                  `upload larger than the limit of ${deps.maxBytes} bytes (PONT_UPLOAD_LIMIT)`,
                );
              hash.update(chunk);
              yield chunk;
            }
          },
          createWriteStream(temp),
        );
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      const file: StoredFile = {
        project,
        name,
        size,
        sha256: hash.digest('hex'),
        uploadedBy: actorLabel(actor),
        uploadedAt: isoNow(deps.clock),
      };
      await deps.db.deleteFrom('files').where('project', '=', project).where('name', '=', name).execute();
      await deps.db
        .insertInto('files')
        .values({
          project,
          name,
          size,
          sha256: file.sha256,
          uploaded_by: file.uploadedBy,
          uploaded_at: file.uploadedAt,
        })
        .execute();
      return file;
    },

    async list(actor: Actor, project: string): Promise<StoredFile[]> {
      await deps.authorizer.require(actor, 'read', { kind: 'File', project, name: '*' });
      const rows = await deps.db
        .selectFrom('files')
        .selectAll()
        .where('project', '=', project)
        .orderBy('name')
        .execute();
      return rows.map((r) => ({
        project: r.project,
        name: r.name,
        size: r.size,
        sha256: r.sha256,
        uploadedBy: r.uploaded_by,
        uploadedAt: r.uploaded_at,
      }));
    },

    /** Server-side lookup for copy steps; no caller to authorise (the job was). */
    async find(
      project: string,
      name: string,
    ): Promise<{ path: string; sha256: string; size: number } | undefined> {
      const row = await deps.db
        .selectFrom('files')
        .selectAll()
        .where('project', '=', project)
        .where('name', '=', name)
        .executeTakeFirst();
      return row ? { path: pathOf(project, name), sha256: row.sha256, size: row.size } : undefined;
    },

    async download(
      actor: Actor,
      project: string,
      name: string,
    ): Promise<{ stream: Readable; size: number; sha256: string }> {
      await deps.authorizer.require(actor, 'read', { kind: 'File', project, name });
      const row = await deps.db
        .selectFrom('files')
        .selectAll()
        .where('project', '=', project)
        .where('name', '=', name)
        .executeTakeFirst();
      if (!row) throw new PontError('NOT_FOUND', `file ${name} not found in project ${project}`);
      const path = pathOf(project, name);
      await stat(path);
      return { stream: createReadStream(path), size: row.size, sha256: row.sha256 };
    },

    async remove(actor: Actor, project: string, name: string): Promise<void> {
      await deps.authorizer.require(actor, 'delete', { kind: 'File', project, name });
      await guard(actor, project, name);
      const result = await deps.db
        .deleteFrom('files')
        .where('project', '=', project)
        .where('name', '=', name)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0)
        throw new PontError('NOT_FOUND', `file ${name} not found in project ${project}`);
      await rm(pathOf(project, name), { force: true });
    },
  };
}
