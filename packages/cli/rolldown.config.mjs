// One ESM file for the `pont` command and the server it starts: Node 20 loads one bundled file
// about four times faster than the thousand small modules of its dependencies (see bench/core).
import { defineConfig } from 'rolldown';

export default defineConfig({
  input: 'dist/main.js',
  platform: 'node',
  // Native addons and their optional companions stay real packages.
  external: ['better-sqlite3', 'ssh2', 'cpu-features', 'pg-native'],
  output: {
    file: 'dist/pont.mjs',
    format: 'esm',
    codeSplitting: false,
    // Bundled CommonJS dependencies still call require() for Node built-ins.
    banner:
      "import { createRequire as __pontCreateRequire } from 'node:module'; const require = __pontCreateRequire(import.meta.url);",
  },
});
