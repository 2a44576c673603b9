export * from './client/index.js';
export * from './yaml/index.js';
