import type { Transactor } from '../../db/transactor.js';
import { type ErrorDetail, notFound, PontError } from '../../errors/index.js';
import { type Clock, isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { Topic } from '../../lib/topic.js';
import { REDACTED } from '../audit/audit.js';
import type { AuditStore } from '../audit/audit.store.js';
import { type Actor, actorLabel, actorTypeLabel } from '../auth/actor.js';
import type { Authorizer } from '../policies/authorizer.js';
import type { Target } from '../policies/policy.js';
import type { KindRegistry, RegisteredKind, ResourceLookup } from './kind-registry.js';
import { parseLabelSelector } from './label-selector.js';
import {
  type ApplyAction,
  describeKey,
  desiredState,
  diffValues,
  type FieldChange,
  isPlainObject,
  jsonEqual,
  keyOf,
  type Resource,
  type ResourceKey,
} from './resource.js';
import type { PagePosition, ResourceStore } from './resource.store.js';

export interface ResourceStores {
  resources: ResourceStore;
  audit: AuditStore;
}

export interface ResourceChange {
  type: 'upsert' | 'delete';
  /** The stored form (secrets encrypted): subscribers are server code, never clients. */
  resource: Resource;
}

export interface ApplyResult {
  kind: string;
  project?: string;
  name: string;
  action: ApplyAction;
  resourceVersion?: string;
  changes: FieldChange[];
  /** The resource as it is (or would be, on a dry run) after the apply, as readers see it. */
  before?: Resource;
  after?: Resource;
}

export interface ListResult {
  items: Resource[];
  continue?: string;
}

export interface ResourceServiceDeps {
  kinds: KindRegistry;
  transactor: Transactor<ResourceStores>;
  reader: ResourceStore;
  authorizer: Authorizer;
  clock: Clock;
  changes: Topic<ResourceChange>;
}

/** Kinds other kinds refer to are written first, so one file can hold a project and its contents. */
const APPLY_ORDER = ['Project', 'Environment', 'Secret', 'Node', 'Policy'];

class DryRun extends Error {
  constructor(readonly results: ApplyResult[]) {
    super('dry run');
  }
}

export type ResourceService = ReturnType<typeof createResourceService>;

export function createResourceService(deps: ResourceServiceDeps) {
  const { kinds, transactor, reader, authorizer, clock, changes } = deps;

  const present = (kind: RegisteredKind, stored: Resource): Resource =>
    kind.present ? kind.present(stored) : stored;

  function targetOf(kind: RegisteredKind, resource: Resource): Target {
    const target: Target = {
      kind: kind.kind,
      project: resource.metadata.project ?? (kind.kind === 'Project' ? resource.metadata.name : ''),
      name: resource.metadata.name,
    };
    const env = kind.environmentOf?.(resource);
    if (env !== undefined) target.environment = env;
    return target;
  }

  /** One target per environment a change touches, for kinds that span environments (Flag). */
  function targetsOf(kind: RegisteredKind, resource: Resource, previous?: Resource): Target[] {
    const target = targetOf(kind, resource);
    const envs = kind.environmentsOf?.(resource, previous);
    if (!envs || envs.length === 0) return [target];
    return envs.map((environment) => ({ ...target, environment }));
  }

  function keyFor(kind: RegisteredKind, project: string | undefined, name: string): ResourceKey {
    return { kind: kind.kind, project: kind.scope === 'cluster' ? '' : (project ?? ''), name };
  }

  /** Validates every document before anything is written, so a batch fails whole and early. */
  function validateDocuments(documents: unknown[]): Array<{ kind: RegisteredKind; resource: Resource }> {
    const details: ErrorDetail[] = [];
    const valid: Array<{ kind: RegisteredKind; resource: Resource }> = [];
    const seen = new Set<string>();
    let unknownKinds = 0;
    documents.forEach((doc, document) => {
      if (!isPlainObject(doc)) {
        details.push({
          document,
          path: '',
          message: 'expected a resource object with apiVersion, kind, metadata and spec',
        });
        return;
      }
      const kindName = doc.kind;
      if (typeof kindName !== 'string') {
        details.push({ document, path: 'kind', message: 'missing required field "kind"' });
        return;
      }
      const kind = kinds.get(kindName);
      if (!kind) {
        unknownKinds++;
        const known = kinds
          .all()
          .map((k) => k.kind)
          .sort()
          .join(', ');
        details.push({ document, path: 'kind', message: `unknown kind "${kindName}"`, expected: known });
        return;
      }
      const problems = kind.validate(doc);
      if (problems.length > 0) {
        details.push(...problems.map((p) => ({ ...p, document })));
        return;
      }
      const resource = doc as unknown as Resource;
      const id = describeKey(keyOf(resource));
      if (seen.has(id)) {
        details.push({ document, path: 'metadata.name', message: `${id} appears twice in this apply` });
        return;
      }
      seen.add(id);
      valid.push({ kind, resource });
    });
    if (details.length > 0) {
      const onlyKinds = unknownKinds === details.length;
      const first = details[0]?.message ?? 'invalid resource';
      throw new PontError(
        onlyKinds ? 'UNKNOWN_KIND' : 'VALIDATION_FAILED',
        details.length === 1 ? first : `${details.length} problems; the first: ${first}`,
        details,
      );
    }
    return valid;
  }

  function lookupIn(stores: ResourceStores): ResourceLookup {
    return {
      get: (kind, project, name) => stores.resources.get({ kind, project, name }),
      list: async (kind, project) => (await stores.resources.list(kind, project)).items,
    };
  }

  async function applyOne(
    stores: ResourceStores,
    actor: Actor,
    kind: RegisteredKind,
    incoming: Resource,
    document: number,
  ): Promise<ApplyResult> {
    const key = keyOf(incoming);
    const previous = await stores.resources.get(key);
    const expected = incoming.metadata.resourceVersion;
    const result: ApplyResult = { kind: key.kind, name: key.name, action: 'unchanged', changes: [] };
    if (key.project) result.project = key.project;

    if (previous && expected !== undefined && expected !== previous.metadata.resourceVersion) {
      throw staleVersion(key, expected, previous.metadata.resourceVersion, document);
    }
    if (!previous && expected !== undefined && expected !== '' && expected !== '0') {
      throw new PontError(
        'RESOURCE_CONFLICT',
        `${describeKey(key)} was deleted since version ${expected} was read`,
        [
          {
            document,
            path: 'metadata.resourceVersion',
            message: 'the resource no longer exists; drop resourceVersion to create it again',
          },
        ],
      );
    }
    if (key.project && kind.kind !== 'Project') {
      const project = await stores.resources.get({ kind: 'Project', project: '', name: key.project });
      if (!project) {
        throw new PontError('VALIDATION_FAILED', `project "${key.project}" does not exist`, [
          {
            document,
            path: 'metadata.project',
            message: `project "${key.project}" does not exist; create it first or apply it in the same batch`,
          },
        ]);
      }
    }
    const problems = (await kind.check?.(incoming, lookupIn(stores))) ?? [];
    if (problems.length > 0) {
      throw new PontError(
        'VALIDATION_FAILED',
        problems[0]?.message ?? 'invalid resource',
        problems.map((p) => ({ ...p, document })),
      );
    }

    const now = isoNow(clock);
    const candidate: Resource = {
      apiVersion: incoming.apiVersion,
      kind: incoming.kind,
      metadata: {
        ...incoming.metadata,
        labels: incoming.metadata.labels ?? {},
        uid: previous?.metadata.uid ?? newId(),
        createdAt: previous?.metadata.createdAt ?? now,
        updatedAt: now,
      },
      spec: incoming.spec,
      // status belongs to pont: what a user sends is ignored
      status: previous?.status ?? {},
    };
    const stored = kind.toStored ? kind.toStored(candidate, previous) : candidate;
    const before = previous ? desiredState(previous) : undefined;
    const after = desiredState(stored);
    const fieldChanges = redact(kind, diffValues(before ?? {}, after));
    result.changes = fieldChanges;
    if (previous) result.before = present(kind, previous);

    if (
      previous &&
      jsonEqual(before, after) &&
      jsonEqual(previous.metadata.annotations, stored.metadata.annotations)
    ) {
      result.resourceVersion = previous.metadata.resourceVersion ?? '';
      result.after = present(kind, previous);
      return result;
    }
    stored.metadata.resourceVersion = await stores.resources.nextVersion();
    if (previous) {
      const ok = await stores.resources.update(stored, previous.metadata.resourceVersion ?? '');
      if (!ok) throw staleVersion(key, previous.metadata.resourceVersion ?? '', 'newer', document);
      result.action = 'configured';
    } else {
      await stores.resources.insert(stored);
      result.action = 'created';
    }
    result.resourceVersion = stored.metadata.resourceVersion;
    result.after = present(kind, stored);
    await audit(stores, actor, previous ? 'update' : 'create', kind, stored, fieldChanges);
    return result;
  }

  function redact(kind: RegisteredKind, list: FieldChange[]): FieldChange[] {
    const paths = kind.redactPaths;
    return paths ? list.map((c) => masked(c, paths)) : list;
  }

  async function audit(
    stores: ResourceStores,
    actor: Actor,
    action: string,
    kind: RegisteredKind,
    resource: Resource,
    fieldChanges: FieldChange[],
  ): Promise<void> {
    const env = kind.environmentOf?.(resource);
    await stores.audit.append({
      id: newId(),
      time: isoNow(clock),
      actor: actorLabel(actor),
      actorType: actorTypeLabel(actor),
      action,
      kind: kind.kind,
      project: resource.metadata.project ?? '',
      name: resource.metadata.name,
      ...(env !== undefined ? { environment: env } : {}),
      ...(actor.sourceIp ? { sourceIp: actor.sourceIp } : {}),
      changes: fieldChanges,
    });
  }

  function publish(results: Array<{ change: ResourceChange }>): void {
    for (const { change } of results) changes.publish(change);
  }

  return {
    kinds,

    async get(actor: Actor, kindName: string, project: string | undefined, name: string): Promise<Resource> {
      const kind = kinds.require(kindName);
      const stored = await reader.get(keyFor(kind, project, name));
      if (!stored) throw notFound(describeKey(keyFor(kind, project, name)));
      await authorizer.require(actor, 'read', targetOf(kind, stored));
      return present(kind, stored);
    },

    /** Reads without a caller, for server code (executors, flag evaluation); secrets stay encrypted. */
    async getStored(
      kindName: string,
      project: string | undefined,
      name: string,
    ): Promise<Resource | undefined> {
      const kind = kinds.require(kindName);
      return reader.get(keyFor(kind, project, name));
    },

    async listStored(kindName: string, project: string | undefined): Promise<Resource[]> {
      const kind = kinds.require(kindName);
      return (await reader.list(kind.kind, kind.scope === 'cluster' ? '' : project)).items;
    },

    async list(
      actor: Actor,
      kindName: string,
      project: string | undefined,
      options: { labelSelector?: string; limit?: number; continue?: string } = {},
    ): Promise<ListResult> {
      const kind = kinds.require(kindName);
      const labelSelector = parseLabelSelector(options.labelSelector);
      const after = decodeContinue(options.continue);
      const page = await reader.list(kind.kind, kind.scope === 'cluster' ? '' : project, {
        labelSelector,
        ...(options.limit !== undefined ? { limit: options.limit } : {}),
        ...(after ? { after } : {}),
      });
      const items: Resource[] = [];
      for (const item of page.items) {
        if ((await authorizer.decide(actor, 'read', targetOf(kind, item))).allowed)
          items.push(present(kind, item));
      }
      // A natural order (environments by promotion) applies whenever the whole list fits in one page.
      if (kind.compare && !after && !page.next) items.sort(kind.compare);
      const result: ListResult = { items };
      if (page.next) result.continue = encodeContinue(page.next);
      return result;
    },

    /**
     * Creates or updates every document in one transaction: all are written or none. On a dry run
     * the same work happens and is rolled back, so the answer is exactly what a real apply would do.
     */
    async apply(
      actor: Actor,
      documents: unknown[],
      options: { dryRun?: boolean } = {},
    ): Promise<ApplyResult[]> {
      const items = validateDocuments(documents);
      for (const { kind, resource } of items) {
        const previous = await reader.get(keyOf(resource));
        for (const target of targetsOf(kind, resource, previous))
          await authorizer.require(actor, 'apply', target);
        // Moving a node out of an environment needs the right to change it there too.
        if (previous && kind.environmentOf?.(previous) !== kind.environmentOf?.(resource)) {
          await authorizer.require(actor, 'apply', targetOf(kind, previous));
        }
      }
      const ordered = items
        .map((item, document) => ({ ...item, document }))
        .sort((a, b) => rank(a.kind.kind) - rank(b.kind.kind) || a.document - b.document);
      const run = async (stores: ResourceStores) => {
        const out: Array<{ result: ApplyResult; change: ResourceChange; document: number }> = [];
        for (const { kind, resource, document } of ordered) {
          const result = await applyOne(stores, actor, kind, resource, document);
          const stored =
            result.action === 'unchanged' ? undefined : await stores.resources.get(keyOf(resource));
          out.push({ result, document, change: { type: 'upsert', resource: stored ?? resource } });
        }
        out.sort((a, b) => a.document - b.document);
        if (options.dryRun) throw new DryRun(out.map((o) => o.result));
        return out;
      };
      try {
        const out = await transactor.run(run);
        publish(out.filter((o) => o.result.action !== 'unchanged'));
        invalidateIfNeeded(items.map((i) => i.kind.kind));
        return out.map((o) => o.result);
      } catch (error) {
        if (error instanceof DryRun) return error.results;
        throw error;
      }
    },

    /**
     * Merges observed facts into a resource's status (pont's own writes, e.g. a host key trusted
     * on first use). The spec is untouched; the version moves so readers see the change.
     */
    async updateStatus(
      kindName: string,
      project: string | undefined,
      name: string,
      patch: Record<string, unknown>,
    ): Promise<void> {
      const kind = kinds.require(kindName);
      const key = keyFor(kind, project, name);
      const updated = await transactor.run(async (stores) => {
        const current = await stores.resources.get(key);
        if (!current) return undefined;
        const next: Resource = { ...current, status: { ...(current.status ?? {}), ...patch } };
        next.metadata = {
          ...current.metadata,
          resourceVersion: await stores.resources.nextVersion(),
          updatedAt: isoNow(clock),
        };
        await stores.resources.update(next, current.metadata.resourceVersion ?? '');
        return next;
      });
      if (updated) changes.publish({ type: 'upsert', resource: updated });
    },

    async delete(
      actor: Actor,
      kindName: string,
      project: string | undefined,
      name: string,
      options: { resourceVersion?: string; cascade?: boolean } = {},
    ): Promise<ApplyResult[]> {
      const kind = kinds.require(kindName);
      const key = keyFor(kind, project, name);
      const existing = await reader.get(key);
      if (!existing) throw notFound(describeKey(key));
      for (const target of targetsOf(kind, existing)) await authorizer.require(actor, 'delete', target);
      if (
        options.resourceVersion !== undefined &&
        options.resourceVersion !== existing.metadata.resourceVersion
      ) {
        throw staleVersion(key, options.resourceVersion, existing.metadata.resourceVersion, undefined);
      }
      const contents = kind.kind === 'Project' ? await reader.listProject(name) : [];
      if (contents.length > 0 && !options.cascade) {
        throw new PontError('INVALID_STATE', `project ${name} still holds ${contents.length} resources`, [
          {
            path: 'metadata.name',
            message: 'delete its resources first, or pass --cascade (?cascade=true) to delete them with it',
          },
        ]);
      }
      for (const item of contents) {
        for (const target of targetsOf(kinds.require(item.kind), item))
          await authorizer.require(actor, 'delete', target);
      }
      const removed = await transactor.run(async (stores) => {
        const out: ApplyResult[] = [];
        for (const item of [...contents, existing]) {
          const itemKind = kinds.require(item.kind);
          await stores.resources.delete(keyOf(item));
          const changes = redact(itemKind, diffValues(desiredState(item), {}));
          await audit(stores, actor, 'delete', itemKind, item, changes);
          const result: ApplyResult = {
            kind: item.kind,
            name: item.metadata.name,
            action: 'deleted',
            changes,
          };
          if (item.metadata.project) result.project = item.metadata.project;
          out.push(result);
        }
        return out;
      });
      for (const item of [...contents, existing]) changes.publish({ type: 'delete', resource: item });
      invalidateIfNeeded([kind.kind, ...contents.map((c) => c.kind)]);
      return removed;
    },
  };

  function invalidateIfNeeded(kindNames: string[]): void {
    if (kindNames.some((k) => k === 'Policy' || k === 'Environment')) authorizer.invalidate();
  }
}

/** Replaces every value under a redacted path, however deep the change that carries it. */
function masked(change: FieldChange, paths: RegExp): FieldChange {
  const out: FieldChange = { path: change.path };
  if (change.before !== undefined) out.before = maskDeep(change.before, change.path, paths);
  if (change.after !== undefined) out.after = maskDeep(change.after, change.path, paths);
  return out;
}

function maskDeep(value: unknown, path: string, paths: RegExp): unknown {
  if (paths.test(path)) return REDACTED;
  if (Array.isArray(value)) return value.map((v, i) => maskDeep(v, `${path}[${i}]`, paths));
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, maskDeep(v, path ? `${path}.${k}` : k, paths)]),
    );
  }
  return value;
}

function rank(kind: string): number {
  const i = APPLY_ORDER.indexOf(kind);
  return i === -1 ? APPLY_ORDER.length : i;
}

function staleVersion(
  key: ResourceKey,
  sent: string,
  current: string | undefined,
  document: number | undefined,
): PontError {
  return new PontError(
    'RESOURCE_CONFLICT',
    `${describeKey(key)} changed since you read it (you sent resourceVersion ${sent}, it is now ${current ?? 'gone'}); get it again, reapply your change, and retry`,
    [
      {
        ...(document !== undefined ? { document } : {}),
        path: 'metadata.resourceVersion',
        message: `stale resourceVersion ${sent}`,
      },
    ],
  );
}

function encodeContinue(position: PagePosition): string {
  return Buffer.from(JSON.stringify([position.project, position.name])).toString('base64url');
}

function decodeContinue(token: string | undefined): PagePosition | undefined {
  if (!token) return undefined;
  try {
    const [project, name] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as [string, string];
    if (typeof project === 'string' && typeof name === 'string') return { project, name };
  } catch {
    // fall through to the error below
  }
  throw new PontError('BAD_REQUEST', 'invalid continue token', [
    { path: 'continue', message: 'pass the continue value of the previous page unchanged' },
  ]);
}
