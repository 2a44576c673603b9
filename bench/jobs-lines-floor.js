// Raw floor of the log-volume benchmark: a bare Node process spawns `seq 1 N` and reads its
// stdout line by line (split on \n, as a log collector must), then prints {lines, ms, last}.
import { spawn } from 'node:child_process';

const n = Number(process.argv[2] ?? 1_000_000);
const started = performance.now();
const child = spawn('seq', ['1', String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
let rest = '';
let lines = 0;
let last = '';
child.stdout.setEncoding('utf8');
child.stdout.on('data', (chunk) => {
  const parts = (rest + chunk).split('\n');
  rest = parts.pop() ?? '';
  lines += parts.length;
  if (parts.length) last = parts[parts.length - 1];
});
child.on('close', (code) => {
  if (rest) {
    lines++;
    last = rest;
  }
  process.stdout.write(`${JSON.stringify({ lines, last, code, ms: performance.now() - started })}\n`);
});
