export { environmentKind, FreezeWindow, type NodeSpec, nodeKind, projectKind } from './core-kinds.js';
