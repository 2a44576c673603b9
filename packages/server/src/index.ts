export { buildApp, VERSION } from './app.js';
export { createPont, type Pont } from './composition-root.js';
export { type Env, loadConfig, type PontConfig } from './config.js';
export { demoResources, seedDemo } from './demo.js';
export { ERROR_CODES, type ErrorCode, PontError } from './errors/index.js';
export { type RunningServer, startServer } from './main.js';
