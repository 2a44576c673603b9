export * from './yaml/index.js';
