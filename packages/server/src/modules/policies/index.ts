export { type Authorizer, type AuthorizerSource, createAuthorizer } from './authorizer.js';
export {
  ACTIONS,
  type Action,
  decide,
  type PolicyRule,
  type PolicySpec,
  ROLES,
  ruleMatches,
  type Target,
} from './policy.js';
export { policyKind } from './policy.kind.js';
