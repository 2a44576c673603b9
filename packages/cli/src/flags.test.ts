import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPont, type TestPont } from '@pont/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './testing.js';

describe('pont flags and pont import unleash', () => {
  let t: TestPont;
  let dir: string;
  let admin: NodeJS.ProcessEnv;
  let ops: NodeJS.ProcessEnv;
  const cli = (args: string[], env = admin, stdin = '') => runCli(args, env, stdin);

  beforeAll(async () => {
    t = await createTestPont('sqlite');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    dir = mkdtempSync(join(tmpdir(), 'pont-flags-cli-'));
    admin = {
      PONT_SERVER: url,
      PONT_TOKEN: t.adminToken,
      PONT_PROJECT: 'demo',
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, 'config'),
    };
    ops = { ...admin, PONT_TOKEN: await t.userToken('olga', 'ops') };
    writeFileSync(
      join(dir, 'flags.yaml'),
      [
        'apiVersion: pont/v1',
        'kind: Segment',
        'metadata: {project: demo, name: beta}',
        'spec:',
        '  constraints: [{contextName: plan, operator: IN, values: [beta]}]',
        '---',
        'apiVersion: pont/v1',
        'kind: Flag',
        'metadata: {project: demo, name: new-checkout}',
        'spec:',
        '  type: release',
        '  environments:',
        '    dev: {enabled: true, strategies: [{name: flexibleRollout, parameters: {rollout: 100, stickiness: default}, segments: [beta]}]}',
        '    test: {enabled: false}',
        '',
      ].join('\n'),
    );
    const applied = await cli(['apply', '-f', join(dir, 'flags.yaml')]);
    expect(applied, applied.stderr).toMatchObject({ code: 0 });
  });
  afterAll(() => t.close());

  it('lists flags across environments', async () => {
    const res = await cli(['flags', 'list']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.split('\n')[0]).toMatch(
      /^NAME\s+TYPE\s+DEV\s+TEST\s+INTEGRATION\s+PROD\s+STALE\s+SEEN\s+PENDING$/,
    );
    expect(res.stdout).toMatch(/new-checkout\s+release\s+on\*\s+off\s+off\s+off/);
  });

  it('evaluates for a context and says why', async () => {
    const no = await cli([
      'flags',
      'eval',
      'new-checkout',
      '--env',
      'dev',
      '--context',
      'userId=42',
      '-c',
      'plan=free',
    ]);
    expect(no.code, no.stderr).toBe(0);
    expect(no.stdout).toContain('new-checkout: disabled');
    expect(no.stdout).toContain('constraint #1 of segment beta failed: plan IN [beta], context value "free"');
    const yes = await cli([
      'flags',
      'eval',
      'new-checkout',
      '--env',
      'dev',
      '-c',
      'userId=42',
      '-c',
      'plan=beta',
    ]);
    expect(yes.stdout).toMatch(
      /new-checkout: enabled\n\s+strategy #1 flexibleRollout: enabled \(userId 42 is in bucket \d+, rollout is 100%\)/,
    );
    expect((await cli(['flags', 'eval', 'new-checkout', '--env', 'dev', '-c', 'oops'])).code).toBe(2);
  });

  it('sets a rollout and toggles in an unprotected environment at once', async () => {
    const rollout = await cli(['flags', 'set-rollout', 'new-checkout', '25', '--env', 'dev']);
    expect(rollout.stdout.trim()).toBe('set the rollout of flag new-checkout in dev to 25%: done');
    expect((await cli(['flags', 'list'])).stdout).toMatch(/new-checkout\s+release\s+25%/);
    expect((await cli(['flags', 'enable', 'new-checkout', '--env', 'test'])).stdout.trim()).toBe(
      'enable flag new-checkout in test: done',
    );
    expect((await cli(['flags', 'set-rollout', 'new-checkout', '250', '--env', 'dev'])).code).toBe(2);
  });

  it('promotes with a diff preview, asks for --yes off a terminal, and waits for approval in prod', async () => {
    const refused = await cli(['flags', 'promote', 'new-checkout', '--from', 'dev', '--to', 'prod']);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain('+enabled: true');
    expect(refused.stdout).toContain('+      rollout: "25"');
    expect(refused.stderr).toContain('pass --yes');
    const promoted = await cli([
      'flags',
      'promote',
      'new-checkout',
      '--from',
      'dev',
      '--to',
      'prod',
      '--yes',
    ]);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(promoted.stdout).toMatch(
      /promote flag new-checkout from dev to prod: waits for approval in prod \(change (\w+)\)/,
    );
    const id = /change (\w+)\)/.exec(promoted.stdout)?.[1] ?? '';
    const pending = await cli(['flags', 'changes']);
    expect(pending.stdout).toContain(id);
    expect((await cli(['flags', 'approve', id])).code).toBe(1);
    const approved = await cli(['flags', 'approve', id, '--comment', 'looks good'], ops);
    expect(approved.code, approved.stderr).toBe(0);
    await t.pont.flags.service.idle();
    expect((await cli(['flags', 'list'])).stdout).toMatch(/new-checkout\s+release\s+25%\s+on\s+off\s+25%/);
    const history = await cli(['flags', 'history', 'new-checkout']);
    expect(history.stdout).toMatch(/approve\s+promote flag new-checkout from dev to prod: looks good/);
  });

  it('disables prod at once (kill switch) and schedules changes', async () => {
    const kill = await cli(['flags', 'disable', 'new-checkout', '--env', 'prod']);
    expect(kill.stdout.trim()).toBe(
      'disable flag new-checkout in prod: done (kill switch: effective at once in protected environments)',
    );
    const scheduled = await cli(['flags', 'enable', 'new-checkout', '--env', 'integration', '--at', '2h']);
    expect(scheduled.stdout).toMatch(/enable flag new-checkout in integration: scheduled for 20\d\d-/);
    const id = /change (\w+);/.exec(scheduled.stdout)?.[1] ?? '';
    expect((await cli(['flags', 'cancel', id])).stdout).toContain('cancelled');
  });

  it('applies flag files through approvals', async () => {
    writeFileSync(
      join(dir, 'prod.yaml'),
      'apiVersion: pont/v1\nkind: Flag\nmetadata: {project: demo, name: dark-mode}\nspec:\n  environments:\n    dev: {enabled: true}\n    prod: {enabled: true}\n',
    );
    const plain = await cli(['apply', '-f', join(dir, 'prod.yaml')]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('APPROVAL_REQUIRED');
    const res = await cli(['flags', 'apply', '-f', join(dir, 'prod.yaml')]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/Flag demo\/dark-mode waits for approval in prod/);
  });

  it('imports an Unleash export into one environment, keeping Unleash names as keys', async () => {
    const body = {
      version: 2,
      features: [
        {
          name: 'Billing.NewInvoice',
          type: 'release',
          enabled: true,
          strategies: [
            {
              name: 'flexibleRollout',
              parameters: { rollout: '30', stickiness: 'default', groupId: 'Billing.NewInvoice' },
              segments: [7],
            },
          ],
        },
        { name: 'ops_kill', type: 'kill-switch', enabled: false, strategies: [] },
        {
          name: 'Broken.Regex',
          enabled: true,
          strategies: [
            { name: 'default', constraints: [{ contextName: 'email', operator: 'REGEX', value: '(?=x)' }] },
          ],
        },
      ],
      segments: [
        {
          id: 7,
          name: 'Premium users',
          constraints: [{ contextName: 'plan', operator: 'IN', values: ['premium'] }],
        },
      ],
    };
    writeFileSync(join(dir, 'unleash.json'), JSON.stringify(body));
    const res = await cli(['import', 'unleash', join(dir, 'unleash.json'), '--env', 'test']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.split('\n').filter(Boolean)).toEqual([
      'Segment demo/premium-users created',
      'Flag demo/billing-newinvoice created',
      'Flag demo/ops-kill created',
    ]);
    expect(res.stderr).toContain(
      'skipped Broken.Regex: features.Broken.Regex.strategies[0].constraints[0].value: invalid RE2 regular expression',
    );
    const token = (
      await t.call(t.adminToken, {
        method: 'POST',
        url: '/api/v1/tokens',
        payload: { name: 'c', type: 'client', project: 'demo', environment: 'test' },
      })
    ).json().token;
    const served = (
      await t.app.inject({ method: 'GET', url: '/api/client/features', headers: { authorization: token } })
    ).json();
    const invoice = served.features.find((f: { name: string }) => f.name === 'Billing.NewInvoice');
    expect(invoice.strategies[0]).toMatchObject({
      parameters: { rollout: '30', groupId: 'Billing.NewInvoice' },
      segments: [expect.any(Number)],
    });
    expect(served.segments.find((s: { id: number }) => s.id === invoice.strategies[0].segments[0]).name).toBe(
      'Premium users',
    );
    // Importing the same export again into another environment keeps the first one.
    await cli(['import', 'unleash', join(dir, 'unleash.json'), '--env', 'dev']);
    const flag = (
      await t.call(t.adminToken, { method: 'GET', url: '/api/v1/projects/demo/flags/billing-newinvoice' })
    ).json();
    expect(Object.keys(flag.spec.environments).sort()).toEqual(['dev', 'test']);
    expect(flag.spec.key).toBe('Billing.NewInvoice');
  });
});
