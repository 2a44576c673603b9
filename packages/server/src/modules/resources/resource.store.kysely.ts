import type { Kysely, Selectable } from 'kysely';
import type { Database, ResourcesTable } from '../../db/schema.js';
import { matchesLabels } from './label-selector.js';
import type { Resource, ResourceKey } from './resource.js';
import type { ListOptions, PagePosition, ResourcePage, ResourceStore } from './resource.store.js';

export function createKyselyResourceStore(db: Kysely<Database>): ResourceStore {
  return {
    async get(key) {
      const row = await db
        .selectFrom('resources')
        .selectAll()
        .where('kind', '=', key.kind)
        .where('project', '=', key.project)
        .where('name', '=', key.name)
        .executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },

    async list(kind, project, options: ListOptions = {}): Promise<ResourcePage> {
      let query = db.selectFrom('resources').selectAll().where('kind', '=', kind);
      if (project !== undefined) query = query.where('project', '=', project);
      const after = options.after;
      if (after) {
        query = query.where((eb) =>
          eb.or([
            eb('project', '>', after.project),
            eb.and([eb('project', '=', after.project), eb('name', '>', after.name)]),
          ]),
        );
      }
      query = query.orderBy('project').orderBy('name');
      const selector = options.labelSelector ?? [];
      const limit = options.limit;
      // Without a selector the database pages for us; with one we filter rows as they come.
      if (selector.length === 0 && limit !== undefined) {
        const rows = await query.limit(limit + 1).execute();
        const items = rows.slice(0, limit).map(fromRow);
        return rows.length > limit ? { items, next: positionOf(items[items.length - 1]) } : { items };
      }
      const items: Resource[] = [];
      for (const row of await query.execute()) {
        const resource = fromRow(row);
        if (!matchesLabels(selector, resource.metadata.labels ?? {})) continue;
        if (limit !== undefined && items.length === limit) {
          return { items, next: positionOf(items[items.length - 1]) };
        }
        items.push(resource);
      }
      return { items };
    },

    async insert(resource) {
      await db.insertInto('resources').values(toRow(resource)).execute();
    },

    async update(resource, expectedVersion) {
      const row = toRow(resource);
      const result = await db
        .updateTable('resources')
        .set({
          labels: row.labels,
          spec: row.spec,
          status: row.status,
          resource_version: row.resource_version,
          updated_at: row.updated_at,
          api_version: row.api_version,
        })
        .where('kind', '=', row.kind)
        .where('project', '=', row.project)
        .where('name', '=', row.name)
        .where('resource_version', '=', Number(expectedVersion))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async delete(key: ResourceKey) {
      const result = await db
        .deleteFrom('resources')
        .where('kind', '=', key.kind)
        .where('project', '=', key.project)
        .where('name', '=', key.name)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },

    async listProject(project) {
      const rows = await db.selectFrom('resources').selectAll().where('project', '=', project).execute();
      return rows.map(fromRow);
    },

    async nextVersion() {
      const row = await db
        .updateTable('counters')
        .set((eb) => ({ value: eb('value', '+', 1) }))
        .where('name', '=', 'resource_version')
        .returning('value')
        .executeTakeFirstOrThrow();
      return String(row.value);
    },
  };
}

function positionOf(resource: Resource | undefined): PagePosition {
  return { project: resource?.metadata.project ?? '', name: resource?.metadata.name ?? '' };
}

/** The `labels` column holds labels and annotations together as one JSON object. */
function toRow(resource: Resource): ResourcesTable {
  const m = resource.metadata;
  const meta: Record<string, unknown> = { labels: m.labels ?? {} };
  if (m.annotations && Object.keys(m.annotations).length > 0) meta.annotations = m.annotations;
  return {
    kind: resource.kind,
    project: m.project ?? '',
    name: m.name,
    uid: m.uid ?? '',
    api_version: resource.apiVersion,
    labels: JSON.stringify(meta),
    spec: JSON.stringify(resource.spec ?? {}),
    status: JSON.stringify(resource.status ?? {}),
    resource_version: Number(m.resourceVersion ?? 0),
    created_at: m.createdAt ?? '',
    updated_at: m.updatedAt ?? '',
  };
}

function fromRow(row: Selectable<ResourcesTable>): Resource {
  const meta = JSON.parse(row.labels) as {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  const metadata: Resource['metadata'] = { name: row.name };
  if (row.project) metadata.project = row.project;
  metadata.labels = meta.labels ?? {};
  if (meta.annotations) metadata.annotations = meta.annotations;
  metadata.resourceVersion = String(row.resource_version);
  metadata.uid = row.uid;
  metadata.createdAt = row.created_at;
  metadata.updatedAt = row.updated_at;
  return {
    apiVersion: row.api_version,
    kind: row.kind,
    metadata,
    spec: JSON.parse(row.spec) as Record<string, unknown>,
    status: JSON.parse(row.status) as Record<string, unknown>,
  };
}
