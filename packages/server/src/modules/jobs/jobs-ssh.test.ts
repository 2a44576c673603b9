import { execSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPont, type TestPont } from '../../testing/index.js';
import { type SshTestNodes, startSshNodes } from '../../testing/sshd.js';
import { systemActor } from '../auth/index.js';
import type { Execution } from './execution.js';

/** Jobs across real sshd nodes on loopback ports: the SSH executor end to end. */
describe('jobs on SSH nodes', () => {
  let t: TestPont;
  let ssh: SshTestNodes;
  const work = `/tmp/pont-ssh-test-${process.pid}`;

  const job = (name: string, spec: Record<string, unknown>) => ({
    apiVersion: 'pont/v1',
    kind: 'Job',
    metadata: { project: 'shop', name },
    spec,
  });

  beforeAll(async () => {
    ssh = await startSshNodes(6, { namePrefix: 'web' });
    t = await createTestPont('sqlite', { demo: false });
    const nodes = ssh.nodes.map((n, i) => ({
      apiVersion: 'pont/v1',
      kind: 'Node',
      metadata: { project: 'shop', name: n.name },
      spec: {
        environment: 'test',
        hostname: n.hostname,
        port: n.port,
        username: ssh.user,
        executor: 'ssh',
        tags: i === 5 ? ['web', 'canary'] : ['web'],
        attributes: { rack: String(i % 2) },
        credentials: { secret: 'deploy-key' },
        // The last node is trusted on first use; the others carry their recorded fingerprint.
        hostKey: i === 5 ? { trustOnFirstUse: true } : { fingerprint: n.hostKeyFingerprint },
      },
    }));
    await t.pont.resources.apply(systemActor, [
      { apiVersion: 'pont/v1', kind: 'Project', metadata: { name: 'shop' }, spec: {} },
      {
        apiVersion: 'pont/v1',
        kind: 'Environment',
        metadata: { project: 'shop', name: 'test' },
        spec: { order: 1 },
      },
      {
        apiVersion: 'pont/v1',
        kind: 'Secret',
        metadata: { project: 'shop', name: 'deploy-key' },
        spec: { type: 'ssh-key', data: { privateKey: ssh.privateKey } },
      },
      {
        apiVersion: 'pont/v1',
        kind: 'Secret',
        metadata: { project: 'shop', name: 'db' },
        spec: { data: { password: 'pa55-w0rd-db' } },
      },
      ...nodes,
    ]);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await ssh?.stop();
    execSync(`rm -rf ${work}`);
  });

  async function runToEnd(
    name: string,
    options: Record<string, unknown> = {},
  ): Promise<{
    execution: Execution;
    log: string[];
    steps: Awaited<ReturnType<TestPont['pont']['jobs']['service']['get']>>['steps'];
  }> {
    const started = await t.pont.jobs.service.run(systemActor, 'shop', name, {
      environment: 'test',
      options,
    });
    return waitFor(started.id);
  }

  async function waitFor(id: string) {
    for (;;) {
      const detail = await t.pont.jobs.service.get(systemActor, 'shop', id);
      if (['succeeded', 'failed', 'aborted', 'timed-out', 'incomplete'].includes(detail.execution.state)) {
        const { lines } = await t.pont.jobs.service.logs(systemActor, 'shop', id, {});
        return { execution: detail.execution, log: lines.map((l) => l.line), steps: detail.steps };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('fans out to every node in parallel and keeps going when one fails', async () => {
    await t.pont.resources.apply(systemActor, [
      job('fanout', {
        nodes: { filter: 'tags: web' },
        dispatch: { threadcount: 6, keepgoing: true },
        steps: [{ id: 'hi', exec: 'echo hi from ${node.name}; test ${node.name} != web-3', shell: true }],
      }),
    ]);
    const { execution, log, steps } = await runToEnd('fanout');
    expect(execution.state).toBe('failed');
    expect(execution.message).toMatch(/failed on 1 of 6 node\(s\): web-3/);
    for (const n of ssh.nodes) expect(log).toContain(`hi from ${n.name}`);
    expect(steps.filter((s) => s.status === 'succeeded')).toHaveLength(5);
  });

  it('records a host key trusted on first use in the node status', async () => {
    const node = await t.pont.resources.getStored('Node', 'shop', 'web-6');
    expect(node?.status?.hostKeyFingerprint).toBe(ssh.nodes[5]?.hostKeyFingerprint);
  });

  it('refuses a node whose host key does not match', async () => {
    const wrong = ssh.nodes[0];
    await t.pont.resources.apply(systemActor, [
      {
        apiVersion: 'pont/v1',
        kind: 'Node',
        metadata: { project: 'shop', name: 'impostor' },
        spec: {
          environment: 'test',
          hostname: '127.0.0.1',
          port: wrong?.port,
          username: ssh.user,
          executor: 'ssh',
          tags: ['impostor'],
          credentials: { secret: 'deploy-key' },
          hostKey: { fingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
        },
      },
      job('impostor', {
        nodes: { filter: 'tags: impostor' },
        steps: [{ id: 's', exec: 'echo should not run' }],
      }),
    ]);
    const { execution, log } = await runToEnd('impostor');
    expect(execution.state).toBe('failed');
    expect(log.join('\n')).toMatch(/host key/i);
    expect(log).not.toContain('should not run');
  });

  it('keeps the injection literal and masks secrets over SSH', async () => {
    await t.pont.resources.apply(systemActor, [
      job('literal', {
        options: [{ name: 'msg' }, { name: 'token', type: 'secret' }],
        secrets: [{ secret: 'db', key: 'password', env: 'DB_PASSWORD' }],
        nodes: { filter: 'web-1' },
        steps: [
          { id: 'argv', exec: 'echo ${option.msg}' },
          {
            id: 'shell',
            exec: 'echo ${option.msg}; echo token $PONT_OPTION_TOKEN db $DB_PASSWORD',
            shell: true,
          },
        ],
      }),
    ]);
    const literal = "'; rm -rf / #";
    const { execution, log } = await runToEnd('literal', { msg: literal, token: 'tok-abcdef' });
    expect(execution.state).toBe('succeeded');
    expect(log.filter((l) => l === literal)).toHaveLength(2);
    expect(log).toContain('token ***** db *****');
  });

  it('copies a file over SFTP with mode and checksum, step by step across nodes', async () => {
    execSync(
      `mkdir -p ${t.database.dataDir}/files/bundles && printf 'payload-123' > ${t.database.dataDir}/files/bundles/app.bin`,
    );
    await t.pont.resources.apply(systemActor, [
      job('ship', {
        nodes: { filter: 'tags: web !tags: canary' },
        strategy: 'step-first',
        dispatch: { threadcount: 3 },
        steps: [
          { id: 'dir', exec: `mkdir -p ${work}/\${node.name}` },
          {
            id: 'copy',
            copy: { path: 'bundles/app.bin', destination: `${work}/\${node.name}/app.bin`, mode: '0640' },
          },
          { id: 'check', exec: `cat ${work}/\${node.name}/app.bin` },
        ],
      }),
    ]);
    const { execution, log } = await runToEnd('ship');
    expect(execution.state, log.join('\n')).toBe('succeeded');
    expect(readFileSync(`${work}/web-2/app.bin`, 'utf8')).toBe('payload-123');
    expect(statSync(`${work}/web-2/app.bin`).mode & 0o777).toBe(0o640);
    expect(log.filter((l) => l === 'payload-123')).toHaveLength(5);
  });

  it('kills a running execution: the remote process group ends', async () => {
    await t.pont.resources.apply(systemActor, [
      job('remote-sleep', {
        nodes: { filter: 'web-2' },
        steps: [{ id: 'nap', exec: 'sleep 71 & sleep 72; wait', shell: true }],
      }),
    ]);
    const started = await t.pont.jobs.service.run(systemActor, 'shop', 'remote-sleep', {
      environment: 'test',
    });
    for (let i = 0; i < 100 && !execSync('ps -eo args').toString().includes('sleep 72'); i++)
      await new Promise((r) => setTimeout(r, 50));
    await t.pont.jobs.service.kill(systemActor, 'shop', started.id);
    const { execution } = await waitFor(started.id);
    expect(execution.state).toBe('aborted');
    await new Promise((r) => setTimeout(r, 300));
    expect(execSync('ps -eo args').toString()).not.toMatch(/sleep 7[12]/);
  });

  it('times out, retries and runs an error handler over SSH', async () => {
    await t.pont.resources.apply(systemActor, [
      job('remote-flow', {
        nodes: { filter: 'web-4' },
        steps: [
          {
            id: 'flaky',
            exec: `f=${work}/flaky-$PONT_EXECUTION_ID; test -f $f || { mkdir -p ${work}; touch $f; exit 2; }`,
            shell: true,
            retry: { count: 1 },
          },
          { id: 'bad', exec: 'exit 9', shell: true, onError: { exec: 'echo recovered on ${node.name}' } },
          { id: 'slow', exec: 'sleep 20', timeout: '400ms' },
        ],
      }),
    ]);
    const { execution, log, steps } = await runToEnd('remote-flow');
    expect(execution.state).toBe('timed-out');
    expect(log).toContain('recovered on web-4');
    expect(Object.fromEntries(steps.map((s) => [s.stepId, s.status]))).toEqual({
      flaky: 'succeeded',
      bad: 'recovered',
      slow: 'timed-out',
    });
  });
});
