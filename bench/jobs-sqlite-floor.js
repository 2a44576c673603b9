// Storage floor of the log-volume benchmark: what storing every line costs with the tools pont
// uses, and nothing else. A bare Node process spawns `seq 1 N`, splits its stdout into lines and
// inserts each one (execution id, seq, ISO time, node, step, stream, text) into a fresh SQLite
// file with pont's execution_logs schema and pragmas (WAL, synchronous=NORMAL), through one
// prepared statement, 2,000 rows per transaction. Prints {lines, ms, last}.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';

const n = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'pont-bench-sqlite-'));
const db = new SQLite(join(dir, 'floor.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`create table execution_logs (
  execution_id varchar(32) not null, seq integer not null, time varchar(32) not null,
  node varchar(253) not null, step varchar(64) not null, stream varchar(8) not null, line text not null,
  constraint execution_logs_pk primary key (execution_id, seq))`);
const insert = db.prepare('insert into execution_logs values (?, ?, ?, ?, ?, ?, ?)');
const store = db.transaction((rows) => {
  for (const r of rows)
    insert.run('01BENCHFLOOR0000000000000000', r.seq, r.time, 'local-1', 'seq', 'stdout', r.line);
});

const started = performance.now();
const child = spawn('seq', ['1', String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
let rest = '';
let seq = 0;
let pending = [];
let last = '';
const add = (line) => {
  pending.push({ seq: seq++, time: new Date().toISOString(), line });
  if (pending.length >= 2000) {
    store(pending);
    pending = [];
  }
};
child.stdout.setEncoding('utf8');
child.stdout.on('data', (chunk) => {
  const parts = (rest + chunk).split('\n');
  rest = parts.pop() ?? '';
  for (const part of parts) add(part);
  if (parts.length) last = parts[parts.length - 1];
});
child.on('close', (code) => {
  if (rest) {
    add(rest);
    last = rest;
  }
  store(pending);
  const ms = performance.now() - started;
  const stored = db.prepare('select count(*) as c from execution_logs').get().c;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ lines: stored, last, code, ms })}\n`);
});
