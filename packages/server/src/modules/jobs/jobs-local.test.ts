import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPont, type TestPont } from '../../testing/index.js';
import { systemActor } from '../auth/index.js';
import type { Execution } from './execution.js';

const job = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'pont/v1',
  kind: 'Job',
  metadata: { project: 'demo', name },
  spec,
});

describe('jobs on the local executor', () => {
  let t: TestPont;
  let dev: string;
  let ops: string;
  let hook: Server;
  const received: unknown[] = [];
  let hookUrl = '';

  beforeAll(async () => {
    t = await createTestPont('sqlite');
    dev = await t.userToken('dan', 'dev');
    ops = await t.userToken('olga', 'ops');
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const address = hook.address();
    hookUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
    await t.pont.resources.apply(systemActor, [
      {
        apiVersion: 'pont/v1',
        kind: 'Secret',
        metadata: { project: 'demo', name: 'db' },
        spec: { data: { password: 'sup3r-s3cret' } },
      },
    ]);
  });
  afterAll(async () => {
    hook.close();
    await t.close();
  });

  async function apply(...docs: unknown[]) {
    const res = await t.call(t.adminToken, {
      method: 'POST',
      url: '/api/v1/apply',
      payload: { items: docs },
    });
    expect(res.statusCode, res.body).toBe(200);
  }

  async function run(
    name: string,
    environment: string,
    options: Record<string, unknown> = {},
    token = t.adminToken,
  ) {
    const res = await t.call(token, {
      method: 'POST',
      url: `/api/v1/projects/demo/jobs/${name}/run`,
      payload: { environment, options },
    });
    return res;
  }

  async function finished(id: string, timeoutMs = 20_000): Promise<Execution> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const res = await t.call(t.adminToken, {
        method: 'GET',
        url: `/api/v1/projects/demo/executions/${id}`,
      });
      const execution = res.json().execution as Execution;
      if (['succeeded', 'failed', 'aborted', 'timed-out', 'incomplete'].includes(execution.state))
        return execution;
      if (Date.now() > until) throw new Error(`execution ${id} still ${execution.state}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function logOf(id: string): Promise<string[]> {
    const res = await t.call(t.adminToken, {
      method: 'GET',
      url: `/api/v1/projects/demo/executions/${id}/log`,
    });
    return (res.json().lines as Array<{ line: string }>).map((l) => l.line);
  }

  async function runAndWait(name: string, environment = 'dev', options: Record<string, unknown> = {}) {
    const res = await run(name, environment, options);
    expect(res.statusCode, res.body).toBe(201);
    const execution = await finished(res.json().id);
    return { execution, log: await logOf(execution.id) };
  }

  it('runs a job on the nodes of the environment, node by node, with per node × step results', async () => {
    await apply(
      job('hello', {
        nodes: { filter: 'tags: web' },
        steps: [{ id: 'greet', exec: 'echo hello from ${node.name}' }],
      }),
    );
    const { execution, log } = await runAndWait('hello', 'test');
    expect(execution.state).toBe('succeeded');
    expect(log).toContain('hello from test-web-1');
    const detail = (
      await t.call(t.adminToken, { method: 'GET', url: `/api/v1/projects/demo/executions/${execution.id}` })
    ).json();
    expect(detail.steps).toEqual([
      expect.objectContaining({ node: 'test-web-1', stepId: 'greet', status: 'succeeded', exitCode: 0 }),
    ]);
  });

  it('keeps an injection attempt in an option literal, as argv and through a shell', async () => {
    await apply(
      job('inject', {
        options: [{ name: 'msg' }],
        nodes: { filter: 'dev-web-1' },
        steps: [
          { id: 'argv', exec: 'echo ${option.msg}' },
          { id: 'shell', exec: 'echo ${option.msg} | cat', shell: true },
          { id: 'env', exec: 'printf "%s\\n" "$PONT_OPTION_MSG"', shell: true },
        ],
      }),
    );
    const literal = "'; rm -rf / #";
    const { execution, log } = await runAndWait('inject', 'dev', { msg: literal });
    expect(execution.state).toBe('succeeded');
    expect(log.filter((l) => l === literal)).toHaveLength(3);
  });

  it('masks secret option values and job secrets in stored and streamed logs', async () => {
    await apply(
      job('masked', {
        options: [{ name: 'token', type: 'secret', required: true }],
        secrets: [{ secret: 'db', key: 'password', env: 'DB_PASSWORD' }],
        nodes: { filter: 'dev-web-1' },
        steps: [{ id: 'leak', exec: 'echo token=$PONT_OPTION_TOKEN db=$DB_PASSWORD', shell: true }],
      }),
    );
    const { execution, log } = await runAndWait('masked', 'dev', { token: 'tok-12345' });
    expect(execution.state).toBe('succeeded');
    expect(log).toContain('token=***** db=*****');
    expect(execution.options.token).toBe('*****');
    const raw = await t.pont.db.kysely
      .selectFrom('executions')
      .select('options')
      .where('id', '=', execution.id)
      .executeTakeFirst();
    expect(raw?.options).not.toContain('tok-12345');
  });

  it('refuses invalid option values before anything runs, one message per option', async () => {
    await apply(
      job('typed', {
        options: [
          { name: 'days', type: 'number', required: true },
          { name: 'tier', type: 'enum', values: ['web', 'db'] },
        ],
        steps: [{ id: 's', exec: 'true' }],
      }),
    );
    const res = await run('typed', 'dev', { days: 'many', tier: 'cache' });
    expect(res.statusCode).toBe(422);
    expect(
      res
        .json()
        .error.details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['options.days', 'options.tier']);
    const listed = await t.call(t.adminToken, {
      method: 'GET',
      url: '/api/v1/projects/demo/executions?job=typed',
    });
    expect(listed.json().items).toHaveLength(0);
  });

  it('passes step outputs to later steps, skips by condition, retries and recovers with an error handler', async () => {
    await apply(
      job('flow', {
        options: [{ name: 'dry_run', type: 'boolean', default: false }],
        nodes: { filter: 'dev-web-1' },
        steps: [
          { id: 'build', exec: 'echo ::output tag=v42; echo version=7 >> "$PONT_OUTPUT"', shell: true },
          {
            id: 'use',
            exec: 'echo tag ${steps.build.outputs.tag} env $PONT_OUTPUT_BUILD_VERSION',
            shell: true,
          },
          { id: 'dry', when: "${option.dry_run} == 'true'", exec: 'echo dry' },
          {
            id: 'flaky',
            exec: 'test -f "$TMPDIR/pont-flaky-$PONT_EXECUTION_ID" || { touch "$TMPDIR/pont-flaky-$PONT_EXECUTION_ID"; exit 3; }',
            shell: true,
            retry: { count: 2, delay: 10 },
            env: { TMPDIR: '/tmp' },
          },
          { id: 'broken', exec: 'exit 4', shell: true, onError: { exec: 'echo handled' } },
        ],
      }),
    );
    const { execution, log } = await runAndWait('flow');
    expect(execution.state).toBe('succeeded');
    expect(log).toContain('tag v42 env 7');
    expect(log).toContain('handled');
    expect(execution.outputs['dev-web-1']?.build).toEqual({ tag: 'v42', version: '7' });
    const steps = (
      await t.call(t.adminToken, { method: 'GET', url: `/api/v1/projects/demo/executions/${execution.id}` })
    ).json().steps;
    const status = Object.fromEntries(
      steps.map((s: { stepId: string; status: string; attempts: number }) => [
        s.stepId,
        `${s.status}/${s.attempts}`,
      ]),
    );
    expect(status).toEqual({
      build: 'succeeded/1',
      use: 'succeeded/1',
      dry: 'skipped/0',
      flaky: 'succeeded/2',
      broken: 'recovered/1',
    });
  });

  it('keeps going on other nodes when one fails, and the execution fails', async () => {
    await apply(
      job('fanout', {
        nodes: { filter: 'tags: local' },
        dispatch: { keepgoing: true, threadcount: 4 },
        steps: [
          { id: 's', exec: 'test ${node.name} != test-app-1', shell: false },
          { id: 'after', exec: 'true' },
        ],
      }),
    );
    const { execution } = await runAndWait('fanout', 'test');
    expect(execution.state).toBe('failed');
    expect(execution.message).toMatch(/failed on 1 of 2 node/);
    const steps = (
      await t.call(t.adminToken, { method: 'GET', url: `/api/v1/projects/demo/executions/${execution.id}` })
    ).json().steps;
    expect(
      steps
        .map((s: { node: string; stepId: string; status: string }) => `${s.node}:${s.stepId}:${s.status}`)
        .sort(),
    ).toEqual([
      'test-app-1:after:not-run',
      'test-app-1:s:failed',
      'test-web-1:after:succeeded',
      'test-web-1:s:succeeded',
    ]);
  });

  it('times a step out and a job out', async () => {
    await apply(
      job('slow-step', {
        nodes: { filter: 'dev-web-1' },
        steps: [{ id: 'nap', exec: 'sleep 30', timeout: 300 }],
      }),
      job('slow-job', {
        nodes: { filter: 'dev-web-1' },
        timeout: '300ms',
        steps: [{ id: 'nap', exec: 'sleep 30' }],
      }),
    );
    const step = await runAndWait('slow-step');
    expect(step.execution.state).toBe('timed-out');
    const whole = await runAndWait('slow-job');
    expect(whole.execution.state).toBe('timed-out');
  });

  it('kills a running execution and its child processes', async () => {
    await apply(
      job('long', {
        nodes: { filter: 'dev-web-1' },
        steps: [{ id: 'nap', exec: 'sleep 31 & sleep 32; wait', shell: true }],
      }),
    );
    const res = await run('long', 'dev');
    const id = res.json().id as string;
    await new Promise((r) => setTimeout(r, 300));
    const killed = await t.call(t.adminToken, {
      method: 'POST',
      url: `/api/v1/projects/demo/executions/${id}/kill`,
    });
    expect(killed.statusCode).toBe(200);
    expect((await finished(id)).state).toBe('aborted');
    const { execSync } = await import('node:child_process');
    expect(execSync('ps -eo args').toString()).not.toMatch(/sleep 3[12]/);
  });

  it('queues executions of a queue job one at a time and refuses a second run of a forbid job', async () => {
    await apply(
      job('one-at-a-time', {
        concurrency: 'queue',
        nodes: { filter: 'dev-web-1' },
        steps: [{ id: 's', exec: 'sleep 0.3' }],
      }),
      job('exclusive', {
        concurrency: 'forbid',
        nodes: { filter: 'dev-web-1' },
        steps: [{ id: 's', exec: 'sleep 0.5' }],
      }),
    );
    const ids = await Promise.all(
      [1, 2, 3].map(async () => (await run('one-at-a-time', 'dev')).json().id as string),
    );
    const done = await Promise.all(ids.map((id) => finished(id)));
    expect(done.every((e) => e.state === 'succeeded')).toBe(true);
    const windows = done
      .map((e) => [Date.parse(e.startedAt ?? ''), Date.parse(e.finishedAt ?? '')])
      .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
    for (let i = 1; i < windows.length; i++)
      expect(windows[i]?.[0] ?? 0).toBeGreaterThanOrEqual(windows[i - 1]?.[1] ?? 0);
    const first = await run('exclusive', 'dev');
    expect(first.statusCode).toBe(201);
    const second = await run('exclusive', 'dev');
    expect(second.statusCode).toBe(409);
    expect(second.json().error.message).toMatch(/concurrency: forbid/);
    await finished(first.json().id);
  });

  it('lets dev run in test but not in prod, and refuses ad-hoc commands to dev', async () => {
    expect((await run('hello', 'test', {}, dev)).statusCode).toBe(201);
    const prod = await run('hello', 'prod', {}, dev);
    expect(prod.statusCode).toBe(403);
    const summaries = (
      await t.call(dev, { method: 'GET', url: '/api/v1/projects/demo/job-summaries' })
    ).json().items;
    expect(summaries.find((j: { name: string }) => j.name === 'hello').runnableIn).toEqual([
      'dev',
      'test',
      'integration',
    ]);
    const adhoc = await t.call(dev, {
      method: 'POST',
      url: '/api/v1/projects/demo/exec',
      payload: { environment: 'test', nodes: 'tags: web', command: 'uptime' },
    });
    expect(adhoc.statusCode).toBe(403);
    const ok = await t.call(ops, {
      method: 'POST',
      url: '/api/v1/projects/demo/exec',
      payload: { environment: 'test', nodes: 'tags: web', command: 'echo adhoc-$PONT_NODE_NAME' },
    });
    expect(ok.statusCode).toBe(201);
    const execution = await finished(ok.json().id);
    expect(execution.state).toBe('succeeded');
    expect(await logOf(execution.id)).toContain('adhoc-test-web-1');
    expect(execution).toMatchObject({
      type: 'adhoc',
      command: 'echo adhoc-$PONT_NODE_NAME',
      nodeFilter: 'name: test-web-1',
    });
    const adhocOnly = (
      await t.call(ops, { method: 'GET', url: '/api/v1/projects/demo/executions?type=adhoc' })
    ).json().items;
    expect(adhocOnly.map((e: { id: string }) => e.id)).toEqual([execution.id]);
    const detail = (
      await t.call(ops, { method: 'GET', url: `/api/v1/projects/demo/executions/${execution.id}` })
    ).json();
    expect(detail.nodes).toEqual(['test-web-1']);
  });

  it('needs another person to approve a run in a protected environment', async () => {
    const res = await run('hello', 'prod', {}, ops);
    expect(res.statusCode).toBe(201);
    expect(res.json().state).toBe('waiting-approval');
    const id = res.json().id as string;
    const self = await t.call(ops, {
      method: 'POST',
      url: `/api/v1/projects/demo/executions/${id}/approve`,
      payload: { comment: 'me' },
    });
    expect(self.statusCode).toBe(403);
    const byDev = await t.call(dev, {
      method: 'POST',
      url: `/api/v1/projects/demo/executions/${id}/approve`,
      payload: {},
    });
    expect(byDev.statusCode).toBe(403);
    const approved = await t.call(t.adminToken, {
      method: 'POST',
      url: `/api/v1/projects/demo/executions/${id}/approve`,
      payload: { comment: 'go' },
    });
    expect(approved.statusCode, approved.body).toBe(200);
    expect((await finished(id)).state).toBe('succeeded');
    const detail = (
      await t.call(t.adminToken, { method: 'GET', url: `/api/v1/projects/demo/executions/${id}` })
    ).json();
    expect(detail.approvals[0]).toMatchObject({
      status: 'approved',
      requestedBy: 'olga',
      decidedBy: 'admin',
      comment: 'go',
    });
    const rejected = await run('hello', 'prod', {}, ops);
    await t.call(t.adminToken, {
      method: 'POST',
      url: `/api/v1/projects/demo/executions/${rejected.json().id}/reject`,
      payload: { comment: 'not now' },
    });
    expect((await finished(rejected.json().id)).state).toBe('aborted');
  });

  it('runs a referenced job as a child execution', async () => {
    await apply(
      job('child', {
        options: [{ name: 'who' }],
        nodes: { filter: 'dev-app-1' },
        steps: [{ id: 's', exec: 'echo child says ${option.who}' }],
      }),
      job('parent', {
        options: [{ name: 'name', default: 'x' }],
        nodes: { filter: 'dev-web-1' },
        steps: [
          { id: 'a', exec: 'true' },
          { id: 'call', job: { name: 'child', options: { who: '${option.name}' } } },
        ],
      }),
    );
    const { execution, log } = await runAndWait('parent', 'dev', { name: 'bob' });
    expect(execution.state).toBe('succeeded');
    expect(log.some((l) => /job child: execution \w+ succeeded/.test(l))).toBe(true);
    const children = (
      await t.call(t.adminToken, { method: 'GET', url: '/api/v1/projects/demo/executions?job=child' })
    ).json().items;
    expect(await logOf(children[0].id)).toContain('child says bob');
  });

  it('notifies webhooks on start and success', async () => {
    await apply(
      job('notified', {
        nodes: { filter: 'dev-web-1' },
        notifications: { onStart: [{ url: hookUrl }], onSuccess: [{ url: hookUrl }] },
        steps: [{ id: 's', exec: 'true' }],
      }),
    );
    const { execution } = await runAndWait('notified');
    await t.pont.jobs.notifier.drain();
    expect(received).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ event: 'start', execution: expect.objectContaining({ id: execution.id }) }),
        expect.objectContaining({
          event: 'success',
          execution: expect.objectContaining({ id: execution.id, state: 'succeeded' }),
        }),
      ]),
    );
  });

  it('retries a whole job and retries a webhook that fails with backoff', async () => {
    let calls = 0;
    const flaky = createServer((req, res) => {
      req.resume();
      calls++;
      res.statusCode = calls < 3 ? 500 : 200;
      res.end();
    });
    await new Promise<void>((r) => flaky.listen(0, '127.0.0.1', r));
    const address = flaky.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
    await apply(
      job('retried', {
        nodes: { filter: 'dev-web-1' },
        retry: { count: 2, delay: 10 },
        notifications: { onSuccess: [{ url }] },
        steps: [
          {
            id: 's',
            exec: 'n=$(cat /tmp/pont-retried-$PONT_EXECUTION_ID 2>/dev/null || echo 0); echo $((n+1)) > /tmp/pont-retried-$PONT_EXECUTION_ID; test $n -ge 2',
            shell: true,
          },
        ],
      }),
    );
    const { execution, log } = await runAndWait('retried');
    expect(execution.state).toBe('succeeded');
    expect(execution.attempt).toBe(3);
    expect(log.filter((l) => l.includes('retrying the job'))).toHaveLength(2);
    const notifier = t.pont.jobs.notifier;
    await notifier.drain();
    expect(calls).toBe(3);
    flaky.close();
  }, 20_000);

  it('keeps only the newest executions the project retention allows', async () => {
    await apply(
      {
        apiVersion: 'pont/v1',
        kind: 'Project',
        metadata: { name: 'demo', labels: { example: 'true' } },
        spec: { displayName: 'Demo shop', retention: { executions: 2 } },
      },
      job('kept', { nodes: { filter: 'dev-web-1' }, steps: [{ id: 's', exec: 'true' }] }),
    );
    for (let i = 0; i < 4; i++) await runAndWait('kept');
    await new Promise((r) => setTimeout(r, 200));
    const listed = (
      await t.call(t.adminToken, { method: 'GET', url: '/api/v1/projects/demo/executions?job=kept' })
    ).json().items;
    expect(listed).toHaveLength(2);
    await apply({
      apiVersion: 'pont/v1',
      kind: 'Project',
      metadata: { name: 'demo', labels: { example: 'true' } },
      spec: { displayName: 'Demo shop' },
    });
  });

  it('follows a live log over Server-Sent Events, resumable from a line', async () => {
    await apply(
      job('chatty', {
        nodes: { filter: 'dev-web-1' },
        steps: [{ id: 's', exec: 'for i in 1 2 3 4 5; do echo line $i; sleep 0.05; done', shell: true }],
      }),
    );
    const id = (await run('chatty', 'dev')).json().id as string;
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const res = await fetch(`${base}/api/v1/projects/demo/executions/${id}/log?follow=1`, {
      headers: { authorization: `Bearer ${t.adminToken}` },
    });
    expect(res.headers.get('content-type'), await res.clone().text()).toContain('text/event-stream');
    const text = await res.text();
    const lines = [...text.matchAll(/^data: (\{.*"line".*)$/gm)].map((m) => JSON.parse(m[1] ?? '{}').line);
    expect(lines.filter((l: string) => l.startsWith('line '))).toEqual([
      'line 1',
      'line 2',
      'line 3',
      'line 4',
      'line 5',
    ]);
    expect(text).toMatch(/event: end\ndata: \{"state":"succeeded"\}/);
    const resumed = await fetch(`${base}/api/v1/projects/demo/executions/${id}/log?follow=1`, {
      headers: { authorization: `Bearer ${t.adminToken}`, 'last-event-id': '3' },
    });
    const ids = [...(await resumed.text()).matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids[0]).toBe(4);
  });
});
