import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { FlagMetricsStore, MetricPeriod, MetricRow } from './flag-metrics.store.js';

const CHUNK = 400;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export function createKyselyFlagMetricsStore(db: Kysely<Database>): FlagMetricsStore {
  return {
    async add(rows) {
      if (rows.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const part of chunks(rows)) {
          await trx
            .insertInto('flag_metrics')
            .values(
              part.map((r) => ({
                project: r.project,
                environment: r.environment,
                flag: r.flag,
                app_name: r.appName,
                period: r.period,
                bucket: r.bucket,
                variant: r.variant,
                yes: r.yes,
                no: r.no,
              })),
            )
            .onConflict((oc) =>
              oc
                .columns(['project', 'environment', 'flag', 'app_name', 'period', 'bucket', 'variant'])
                .doUpdateSet({
                  yes: sql<number>`flag_metrics.yes + excluded.yes`,
                  no: sql<number>`flag_metrics.no + excluded.no`,
                }),
            )
            .execute();
        }
      });
    },
    async seen(rows) {
      for (const part of chunks(rows)) {
        await db
          .insertInto('flag_seen')
          .values(
            part.map((r) => ({
              project: r.project,
              environment: r.environment,
              flag: r.flag,
              last_seen_at: r.at,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['project', 'environment', 'flag']).doUpdateSet({
              last_seen_at: sql<string>`case when excluded.last_seen_at > flag_seen.last_seen_at then excluded.last_seen_at else flag_seen.last_seen_at end`,
            }),
          )
          .execute();
      }
    },
    async upsertClients(rows) {
      for (const r of rows) {
        await db
          .insertInto('flag_clients')
          .values({
            project: r.project,
            environment: r.environment,
            app_name: r.appName,
            instance_id: r.instanceId,
            sdk_version: r.sdkVersion ?? null,
            source: r.source,
            started_at: r.startedAt ?? null,
            interval_ms: r.intervalMs ?? null,
            first_seen_at: r.lastSeenAt,
            last_seen_at: r.lastSeenAt,
          })
          .onConflict((oc) =>
            oc.columns(['project', 'environment', 'app_name', 'instance_id']).doUpdateSet({
              last_seen_at: sql<string>`excluded.last_seen_at`,
              sdk_version: sql<string>`coalesce(excluded.sdk_version, flag_clients.sdk_version)`,
              started_at: sql<string>`coalesce(excluded.started_at, flag_clients.started_at)`,
              interval_ms: sql<number>`coalesce(excluded.interval_ms, flag_clients.interval_ms)`,
            }),
          )
          .execute();
      }
    },
    async query(q) {
      let query = db
        .selectFrom('flag_metrics')
        .selectAll()
        .where('project', '=', q.project)
        .where('flag', '=', q.flag)
        .where('period', '=', q.period)
        .where('bucket', '>=', q.since);
      if (q.environment) query = query.where('environment', '=', q.environment);
      if (q.appName) query = query.where('app_name', '=', q.appName);
      const rows = await query.orderBy('bucket').limit(100_000).execute();
      return rows.map(
        (r): MetricRow => ({
          project: r.project,
          environment: r.environment,
          flag: r.flag,
          appName: r.app_name,
          period: r.period as MetricPeriod,
          bucket: r.bucket,
          variant: r.variant,
          yes: Number(r.yes),
          no: Number(r.no),
        }),
      );
    },
    async lastSeen(project) {
      const rows = await db.selectFrom('flag_seen').selectAll().where('project', '=', project).execute();
      return rows.map((r) => ({
        project: r.project,
        environment: r.environment,
        flag: r.flag,
        at: r.last_seen_at,
      }));
    },
    async clients(project, environment) {
      let q = db.selectFrom('flag_clients').selectAll().where('project', '=', project);
      if (environment) q = q.where('environment', '=', environment);
      const rows = await q.orderBy('last_seen_at', 'desc').limit(1000).execute();
      return rows.map((r) => ({
        project: r.project,
        environment: r.environment,
        appName: r.app_name,
        instanceId: r.instance_id,
        ...(r.sdk_version ? { sdkVersion: r.sdk_version } : {}),
        source: r.source as 'client' | 'frontend',
        ...(r.started_at ? { startedAt: r.started_at } : {}),
        ...(r.interval_ms !== null ? { intervalMs: Number(r.interval_ms) } : {}),
        firstSeenAt: r.first_seen_at,
        lastSeenAt: r.last_seen_at,
      }));
    },
    async prune(period, before) {
      const result = await db
        .deleteFrom('flag_metrics')
        .where('period', '=', period)
        .where('bucket', '<', before)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
