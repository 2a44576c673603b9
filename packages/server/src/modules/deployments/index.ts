export { AppSpecSchema, appKind } from './app.kind.js';
export type { AppSpec, EnvironmentRule, FreezeWindow, HealthCheck, Rollout } from './app-spec.js';
export type { ArtifactService } from './artifact.service.js';
export {
  type Artifact,
  DEPLOYMENT_STATUSES,
  type Deployment,
  type DeploymentRecord,
  type DeploymentStatus,
  type DeploymentTarget,
  FINAL_DEPLOYMENT_STATUSES,
} from './deployment.js';
export type { DeploymentDetail, DeploymentService, EnvironmentMatrix } from './deployment.service.js';
export type { DeploymentStore } from './deployment.store.js';
export { createKyselyDeploymentStore } from './deployment.store.kysely.js';
export { createDeploymentsModule, type DeploymentsModule } from './deployments.module.js';
