import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { PontError } from '../../errors/index.js';
import { type Clock, isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { AuditStore } from '../audit/index.js';
import { type Actor, actorLabel, actorTypeLabel, systemActor } from '../auth/index.js';
import type { FilesService } from '../files/index.js';
import type { Authorizer } from '../policies/index.js';
import type { ResourceService } from '../resources/index.js';
import { type AppSpec, artifactFileName, DEFAULT_KEEP, VERSION_PATTERN } from './app-spec.js';
import type { Artifact } from './deployment.js';
import type { DeploymentStore } from './deployment.store.js';

const VERSION = new RegExp(VERSION_PATTERN);
const LABEL_KEY = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/;

export interface ArtifactServiceDeps {
  store: DeploymentStore;
  files: FilesService;
  resources: ResourceService;
  authorizer: Authorizer;
  audit: AuditStore;
  clock: Clock;
  logger: Logger;
}

export type ArtifactService = ReturnType<typeof createArtifactService>;

/**
 * Versions of an app: pushed once (immutable), stored as a file of the project so a deploy job's
 * copy step sends it to the nodes with its checksum verified, kept while something may deploy it.
 */
export function createArtifactService(deps: ArtifactServiceDeps) {
  const { store, files, resources, authorizer, clock } = deps;

  /** The files module is asked as pont: the caller was authorised here, for the Artifact. */
  const asPont = (actor: Actor): Actor => ({ ...systemActor, name: actorLabel(actor) });

  async function appSpec(project: string, app: string): Promise<AppSpec> {
    const resource = await resources.getStored('App', project, app);
    if (!resource)
      throw new PontError(
        'NOT_FOUND',
        `app ${app} not found in project ${project}; create it with pont apply`,
      );
    return resource.spec as unknown as AppSpec;
  }

  async function audit(
    actor: Actor,
    action: string,
    artifact: { project: string; app: string; version: string },
    message: string,
  ) {
    await deps.audit.append({
      id: newId(),
      time: isoNow(clock),
      actor: actorLabel(actor),
      actorType: actorTypeLabel(actor),
      action,
      kind: 'Artifact',
      project: artifact.project,
      name: artifact.app,
      ...(actor.sourceIp ? { sourceIp: actor.sourceIp } : {}),
      changes: [],
      message,
    });
  }

  async function load(actor: Actor, project: string, app: string, version: string): Promise<Artifact> {
    await authorizer.require(actor, 'read', { kind: 'Artifact', project, name: app });
    const found = await store.artifact(project, app, version);
    if (!found)
      throw new PontError(
        'NOT_FOUND',
        `artifact ${app} ${version} not found in project ${project}; push it with pont artifacts push ${app} ${version} FILE`,
      );
    return found;
  }

  const service = {
    async push(
      actor: Actor,
      project: string,
      app: string,
      version: string,
      input: { fileName: string; body: Readable; labels?: Record<string, string> },
    ): Promise<Artifact> {
      await authorizer.require(actor, 'apply', { kind: 'Artifact', project, name: app });
      if (!VERSION.test(version))
        throw new PontError('VALIDATION_FAILED', `invalid version "${version}"`, [
          {
            path: 'version',
            message:
              'letters, digits, ".", "_" and "-", starting with a letter or digit, at most 128 characters',
          },
        ]);
      for (const [key, value] of Object.entries(input.labels ?? {})) {
        if (!LABEL_KEY.test(key) || value.length > 253)
          throw new PontError('VALIDATION_FAILED', `invalid label ${key}`, [
            { path: `labels.${key}`, message: 'keys like Kubernetes labels; values up to 253 characters' },
          ]);
      }
      const spec = await appSpec(project, app);
      if (await store.artifact(project, app, version)) {
        input.body.resume();
        throw new PontError(
          'ALREADY_EXISTS',
          `artifact ${app} ${version} already exists: versions are immutable; push a new version`,
        );
      }
      const file = artifactFileName(spec, app, version, input.fileName);
      const stored = await files.upload(asPont(actor), project, file, input.body);
      const artifact: Artifact = {
        project,
        app,
        version,
        file,
        size: stored.size,
        sha256: stored.sha256,
        labels: input.labels ?? {},
        uploadedBy: actorLabel(actor),
        uploadedAt: stored.uploadedAt,
      };
      if (!(await store.insertArtifact(artifact)))
        throw new PontError(
          'ALREADY_EXISTS',
          `artifact ${app} ${version} was pushed by someone else meanwhile`,
        );
      await audit(
        actor,
        'push',
        artifact,
        `push ${app} ${version} (${artifact.size} bytes, sha256 ${artifact.sha256})`,
      );
      void service
        .retain(project, app)
        .catch((error) => deps.logger.warn({ err: error }, 'artifact retention failed'));
      return artifact;
    },

    async list(actor: Actor, project: string, app?: string): Promise<Artifact[]> {
      await authorizer.require(actor, 'read', { kind: 'Artifact', project, name: app ?? '*' });
      return store.artifacts(project, app);
    },

    get: load,

    async download(actor: Actor, project: string, app: string, version: string) {
      const artifact = await load(actor, project, app, version);
      const file = await files.download(asPont(actor), project, artifact.file);
      return { artifact, stream: file.stream };
    },

    async remove(actor: Actor, project: string, app: string, version: string): Promise<void> {
      await authorizer.require(actor, 'delete', { kind: 'Artifact', project, name: app });
      const artifact = await load(actor, project, app, version);
      if ((await store.versionsInUse(project, app)).has(version))
        throw new PontError(
          'INVALID_STATE',
          `artifact ${app} ${version} runs in an environment or is its rollback target; it cannot be deleted`,
        );
      await store.deleteArtifact(project, app, version);
      await files.remove(asPont(actor), project, artifact.file).catch(() => undefined);
      await audit(actor, 'delete', artifact, `delete ${app} ${version}`);
    },

    /** Server-side lookup for deployments (the caller was authorised for the deployment). */
    find: (project: string, app: string, version: string) => store.artifact(project, app, version),

    /** Keeps the newest `keep` versions and every version deployed or about to be; deletes the rest. */
    async retain(project: string, app: string): Promise<string[]> {
      const resource = await resources.getStored('App', project, app);
      const keep = (resource?.spec as unknown as AppSpec | undefined)?.artifact?.keep ?? DEFAULT_KEEP;
      const all = await store.artifacts(project, app, 100_000);
      if (all.length <= keep) return [];
      const inUse = await store.versionsInUse(project, app);
      const removed: string[] = [];
      for (const artifact of all.slice(keep)) {
        if (inUse.has(artifact.version)) continue;
        await store.deleteArtifact(project, app, artifact.version);
        await files.remove(systemActor, project, artifact.file).catch(() => undefined);
        removed.push(artifact.version);
      }
      if (removed.length > 0) {
        await audit(
          systemActor,
          'retention',
          { project, app, version: '' },
          `deleted ${app} ${removed.join(', ')} (keep ${keep})`,
        );
        deps.logger.info({ project, app, removed }, 'artifact retention');
      }
      return removed;
    },
  };
  return service;
}
