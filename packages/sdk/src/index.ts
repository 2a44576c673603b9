export * from './client/index.js';
export * from './flags/index.js';
export * from './yaml/index.js';
