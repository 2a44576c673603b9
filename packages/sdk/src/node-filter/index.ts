export {
  type FilterableNode,
  type FilterTerm,
  globMatch,
  matchesFilter,
  NodeFilterError,
  parseNodeFilter,
  selectNodes,
} from './node-filter.js';
