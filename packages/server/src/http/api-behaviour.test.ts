import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPont, type TestPont } from '../testing/index.js';

const yaml = (text: string) => ({ 'content-type': 'application/yaml', payload: text });

describe('API behaviour', () => {
  let t: TestPont;
  beforeAll(async () => {
    t = await createTestPont('sqlite', { config: { bodyLimit: 64 * 1024 } });
  });
  afterAll(() => t.close());

  const apply = (text: string, query = '') =>
    t.call(t.adminToken, {
      method: 'POST',
      url: `/api/v1/apply?file=envs.yaml${query}`,
      headers: { 'content-type': 'application/yaml' },
      payload: yaml(text).payload,
    });

  it('answers health, readiness and metrics', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({
      status: 'ready',
      database: 'sqlite',
    });
    await t.call(t.adminToken, { method: 'GET', url: '/api/v1/projects' });
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(
      /pont_http_requests_total\{method="GET",route="\/api\/v1\/projects",status="200"\} \d+/,
    );
    expect(metrics).toMatch(/pont_http_request_duration_seconds_bucket/);
    expect(metrics).toMatch(/pont_process_resident_memory_bytes/);
  });

  it('serves OpenAPI built from the schemas that validate requests', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    const put = spec.paths['/api/v1/projects/{project}/environments/{name}'].put;
    expect(JSON.stringify(put.requestBody)).toContain('promotion path');
  });

  it('serves one JSON Schema per kind', async () => {
    const res = await t.call(t.adminToken, { method: 'GET', url: '/api/v1/schemas/Node' });
    expect(res.json()).toMatchObject({ title: 'Node', properties: { kind: { const: 'Node' } } });
    const unknown = await t.call(t.adminToken, { method: 'GET', url: '/api/v1/schemas/Gizmo' });
    expect(unknown.json().error.code).toBe('UNKNOWN_KIND');
  });

  it('applies multi-document YAML and reports each result', async () => {
    const res = await apply(`apiVersion: pont/v1
kind: Environment
metadata: {project: demo, name: qa}
spec: {order: 5}
---
apiVersion: pont/v1
kind: Environment
metadata: {project: demo, name: staging}
spec: {order: 6, protected: true}
`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().results.map((r: { name: string; action: string }) => `${r.name}:${r.action}`)).toEqual([
      'qa:created',
      'staging:created',
    ]);
  });

  it('points malformed YAML at file:line:column', async () => {
    const res = await apply('apiVersion: pont/v1\nkind: Environment\nmetadata:\n  name: [unclosed\n');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('YAML_SYNTAX');
    expect(res.json().error.details[0]).toMatchObject({
      file: 'envs.yaml',
      line: expect.any(Number),
      column: expect.any(Number),
    });
  });

  it('points schema errors at the field, with line and column', async () => {
    const res = await apply(`apiVersion: pont/v1
kind: Environment
metadata:
  project: demo
  name: uat
spec:
  order: first
  colour: red
`);
    expect(res.statusCode).toBe(422);
    const details = res.json().error.details;
    expect(details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: 'spec.order',
          line: 7,
          column: 3,
          file: 'envs.yaml',
          message: 'expected integer',
        }),
        expect.objectContaining({
          path: 'spec.colour',
          line: 8,
          column: 3,
          message: 'unknown field "colour"',
        }),
      ]),
    );
    expect(res.json().error.message).toMatch(/^envs\.yaml:\d+:3: /);
    const get = await t.call(t.adminToken, { method: 'GET', url: '/api/v1/projects/demo/environments/uat' });
    expect(get.statusCode).toBe(404);
  });

  it('refuses names that are not DNS labels, missing fields and unknown kinds', async () => {
    const bad = await apply(
      'apiVersion: pont/v1\nkind: Environment\nmetadata: {project: demo, name: Prod_EU}\nspec: {}\n',
    );
    expect(bad.json().error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'metadata.name', line: 3 }),
        expect.objectContaining({ path: 'spec.order', message: 'missing required field "order"' }),
      ]),
    );
    const unknown = await apply('apiVersion: pont/v1\nkind: Gizmo\nmetadata: {name: g}\nspec: {}\n');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('UNKNOWN_KIND');
    expect(unknown.json().error.details[0]).toMatchObject({ path: 'kind', line: 2 });
  });

  it('refuses a stale resourceVersion on PUT with 409', async () => {
    const url = '/api/v1/projects/demo/environments/qa';
    const current = (await t.call(t.adminToken, { method: 'GET', url })).json();
    const body = { ...current, spec: { ...current.spec, description: 'first' } };
    expect((await t.call(t.adminToken, { method: 'PUT', url, payload: body })).statusCode).toBe(200);
    const stale = await t.call(t.adminToken, {
      method: 'PUT',
      url,
      payload: { ...current, spec: { ...current.spec, description: 'second' } },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('RESOURCE_CONFLICT');
    expect(stale.json().error.message).toMatch(/get it again/);
  });

  it('refuses a body over the size limit with 413', async () => {
    const huge = {
      items: [
        {
          apiVersion: 'pont/v1',
          kind: 'Project',
          metadata: { name: 'big' },
          spec: { description: 'x'.repeat(100_000) },
        },
      ],
    };
    const res = await t.call(t.adminToken, { method: 'POST', url: '/api/v1/apply', payload: huge });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('validates query strings and paths with the same error shape', async () => {
    const res = await t.call(t.adminToken, { method: 'GET', url: '/api/v1/projects/demo/nodes?limit=zero' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details[0]).toMatchObject({ path: 'querystring.limit' });
    const route = await t.call(t.adminToken, { method: 'GET', url: '/api/v1/nope' });
    expect(route.json().error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('filters lists by label selector and pages them', async () => {
    const web = await t.call(t.adminToken, {
      method: 'GET',
      url: '/api/v1/projects/demo/nodes?labelSelector=role%3Dweb',
    });
    expect(web.json().items).toHaveLength(4);
    const first = await t.call(t.adminToken, { method: 'GET', url: '/api/v1/projects/demo/nodes?limit=5' });
    expect(first.json().items).toHaveLength(5);
    const rest = await t.call(t.adminToken, {
      method: 'GET',
      url: `/api/v1/projects/demo/nodes?limit=5&continue=${first.json().continue}`,
    });
    expect(rest.json().items).toHaveLength(3);
    expect(rest.json().continue).toBeUndefined();
  });
});
