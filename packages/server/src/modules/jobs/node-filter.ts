import type { FilterableNode } from '@pont/sdk/node-filter';
import type { NodeSpec } from '../core/index.js';
import type { Resource } from '../resources/resource.js';

// The filter language lives in the SDK: the console evaluates the very same code as jobs do.
export {
  type FilterableNode,
  type FilterTerm,
  matchesFilter,
  NodeFilterError,
  parseNodeFilter,
  selectNodes,
} from '@pont/sdk/node-filter';

/** What a filter looks at, from a Node resource. */
export function filterableNode(node: Resource): FilterableNode & { resource: Resource } {
  const spec = node.spec as unknown as NodeSpec;
  return {
    resource: node,
    name: node.metadata.name,
    hostname: spec.hostname,
    executor: spec.executor,
    tags: spec.tags ?? [],
    attributes: spec.attributes ?? {},
    ...(spec.username ? { username: spec.username } : {}),
  };
}
