#!/usr/bin/env node
// The bundle (npm run build) starts fastest; the plain compiled modules work too.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/pont.mjs', import.meta.url);
const { main } = await import(
  existsSync(bundle) ? bundle.href : new URL('../dist/main.js', import.meta.url).href
);
process.exitCode = await main(process.argv);
