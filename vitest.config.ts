import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@pont/flag-engine': src('flag-engine'),
      '@pont/sdk/yaml': fileURLToPath(new URL('./packages/sdk/src/yaml/index.ts', import.meta.url)),
      '@pont/sdk/flags': fileURLToPath(new URL('./packages/sdk/src/flags/index.ts', import.meta.url)),
      '@pont/sdk/openfeature': fileURLToPath(
        new URL('./packages/sdk/src/openfeature/index.ts', import.meta.url),
      ),
      '@pont/sdk/node-filter': fileURLToPath(
        new URL('./packages/sdk/src/node-filter/index.ts', import.meta.url),
      ),
      '@pont/sdk': src('sdk'),
      '@pont/server/rundeck': fileURLToPath(
        new URL('./packages/server/src/modules/jobs/rundeck-import/index.ts', import.meta.url),
      ),
      '@pont/server/testing': fileURLToPath(
        new URL('./packages/server/src/testing/index.ts', import.meta.url),
      ),
      '@pont/server': src('server'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
