export { environmentKind, type NodeSpec, nodeKind, projectKind } from './core-kinds.js';
