import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPont, type TestPont } from '../../testing/index.js';

describe('frontend API CORS', () => {
  let t: TestPont;
  let token: string;
  const previous = process.env.PONT_FRONTEND_CORS_ORIGINS;

  beforeAll(async () => {
    process.env.PONT_FRONTEND_CORS_ORIGINS = 'https://shop.example, https://admin.example/';
    t = await createTestPont('sqlite');
    const res = await t.call(t.adminToken, {
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'web', type: 'frontend', project: 'demo', environment: 'dev' },
    });
    token = res.json().token;
  });
  afterAll(async () => {
    if (previous === undefined) delete process.env.PONT_FRONTEND_CORS_ORIGINS;
    else process.env.PONT_FRONTEND_CORS_ORIGINS = previous;
    await t.close();
  });

  it('answers the preflight of an allowed origin, without credentials', async () => {
    const res = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/frontend',
      headers: {
        origin: 'https://admin.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://admin.example');
    expect(res.headers['access-control-allow-headers']).toBe('authorization');
    expect(res.headers['access-control-allow-methods']).toContain('GET');
  });

  it('allows listed origins on answers and errors alike, and no others', async () => {
    const ok = await t.app.inject({
      method: 'GET',
      url: '/api/frontend?userId=1',
      headers: { authorization: token, origin: 'https://shop.example' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(ok.headers['access-control-expose-headers']).toBe('ETag');
    const denied = await t.app.inject({
      method: 'GET',
      url: '/api/frontend',
      headers: { authorization: 'pont_wrong', origin: 'https://shop.example' },
    });
    expect(denied.statusCode).toBe(401);
    expect(denied.headers['access-control-allow-origin']).toBe('https://shop.example');
    const evil = await t.app.inject({
      method: 'GET',
      url: '/api/frontend',
      headers: { authorization: token, origin: 'https://evil.example' },
    });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/frontend',
      headers: { origin: 'https://evil.example' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});
