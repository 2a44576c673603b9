/** Shapes of the pont API as the console uses them (the server's OpenAPI is the reference). */

export interface ErrorDetail {
  path?: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  document?: number;
  expected?: string;
}

export interface ErrorBody {
  error: { code: string; message: string; details?: ErrorDetail[] };
}

export interface ResourceMetadata {
  name: string;
  project?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
  uid?: string;
  createdAt?: string;
  updatedAt?: string;
}

export interface Resource<Spec = Record<string, unknown>> {
  apiVersion: string;
  kind: string;
  metadata: ResourceMetadata;
  spec: Spec;
  status?: Record<string, unknown>;
}

export interface List<T> {
  items: T[];
  continue?: string;
}

export type KindScope = 'project' | 'cluster' | 'both';

export interface KindInfo {
  kind: string;
  plural: string;
  scope: KindScope;
  description: string;
}

export interface EnvironmentSpec {
  order: number;
  protected?: boolean;
  color?: string;
  description?: string;
}

export interface NodeSpec {
  environment: string;
  hostname: string;
  port?: number;
  username?: string;
  executor: 'local' | 'ssh';
  tags?: string[];
  attributes?: Record<string, string>;
  description?: string;
}

export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

export type ApplyAction = 'created' | 'configured' | 'unchanged' | 'deleted';

export interface ApplyResult {
  kind: string;
  project?: string;
  name: string;
  action: ApplyAction;
  resourceVersion?: string;
  changes: FieldChange[];
  after?: Resource;
}

export type RoleName = 'admin' | 'ops' | 'dev' | 'viewer' | 'none';
export const ROLE_NAMES: readonly RoleName[] = ['admin', 'ops', 'dev', 'viewer', 'none'];

export interface WhoAmI {
  type: 'user' | 'token' | 'system';
  name: string;
  username: string;
  role: RoleName;
  groups: string[];
  csrfToken?: string;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: RoleName;
  groups: string[];
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export type TokenType = 'api' | 'client' | 'frontend';

export interface ApiToken {
  id: string;
  name: string;
  type: TokenType;
  role: RoleName;
  owner?: string;
  project?: string;
  environment?: string;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
  lastUsedAt?: string;
}

export interface CreatedToken extends ApiToken {
  /** The secret value: the server shows it in this answer only. */
  token: string;
}

export interface AuditEvent {
  id: string;
  time: string;
  actor: string;
  actorType: string;
  action: string;
  kind: string;
  project: string;
  name: string;
  environment?: string;
  sourceIp?: string;
  changes: FieldChange[];
  message?: string;
}

export interface AuditPage {
  items: AuditEvent[];
  nextBefore?: string;
}

/** The subset of JSON Schema the server's kind schemas use (TypeBox output). */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  default?: unknown;
}
