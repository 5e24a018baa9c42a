// The local HTTP API: route matching, payload 2.0 events, the JWT authorizer (missing, expired, wrongly signed, wrong
// audience) and the Lambda REQUEST authorizer with its cache.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePath, matchRoute, startHttpApi, type LocalHttpApi, type LocalRoute } from '../../local/http-api.ts';
import { LocalIssuer } from '../../local/tokens.ts';

const ISS = 'http://127.0.0.1/local-cognito';
const route = (routeKey: string, auth: LocalRoute['auth'], fn = 'arn:router'): LocalRoute => {
  const [method, path] = routeKey.split(' ') as [string, string];
  return { routeKey, method, path, ...compilePath(path), functionArn: fn, auth };
};
const jwt: LocalRoute['auth'] = { type: 'JWT', issuer: ISS, audience: ['local-console'] };
const device: LocalRoute['auth'] = { type: 'CUSTOM', functionArn: 'arn:authorizer', identitySource: ['$request.header.Authorization'], ttlSeconds: 60, simple: true };

describe('local HTTP API', () => {
  let api: LocalHttpApi;
  let issuer: LocalIssuer;
  const events: Array<Record<string, any>> = [];
  let authorizerCalls = 0;

  beforeAll(async () => {
    issuer = await LocalIssuer.create(ISS, 'local-console');
    api = await startHttpApi({
      routes: [route('GET /sensors/{id}/latest', jwt), route('GET /sensors/latest', jwt), route('POST /events', device, 'arn:ingest'), route('GET /open', { type: 'NONE' })],
      issuer,
      region: 'ap-southeast-1',
      invoke: async (arn, event: any) => {
        if (arn === 'arn:authorizer') {
          authorizerCalls++;
          return event.identitySource[0] === 'Device good' ? { isAuthorized: true, context: { deviceId: 'd-1' } } : { isAuthorized: false };
        }
        events.push(event);
        return { statusCode: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ok: arn }) };
      },
    });
  });
  afterAll(() => api.stop());

  it('prefers the literal route over the parameter one and passes path and query parameters', async () => {
    const token = await issuer.token('hoa', ['operator']);
    const a = await fetch(`${api.url}/sensors/latest?x=1&x=2`, { headers: { authorization: `Bearer ${token}` } });
    const b = await fetch(`${api.url}/sensors/aq-1/latest`, { headers: { authorization: token } });
    expect([a.status, b.status]).toEqual([201, 201]);
    const [ea, eb] = events.slice(-2);
    expect(ea!.routeKey).toBe('GET /sensors/latest');
    expect(ea!.queryStringParameters).toEqual({ x: '1,2' });
    expect(eb!.pathParameters).toEqual({ id: 'aq-1' });
    expect(eb!.version).toBe('2.0');
    expect(eb!.requestContext.authorizer.jwt.claims['cognito:groups']).toBe('[operator]');
    expect(eb!.requestContext.authorizer.jwt.claims['cognito:username']).toBe('hoa');
  });

  it('refuses missing, expired, wrongly signed and wrong-audience tokens with 401 before the function runs', async () => {
    const before = events.length;
    const other = await LocalIssuer.create(ISS, 'local-console');
    const expired = await issuer.token('hoa', ['operator'], 60, Math.floor(Date.now() / 1000) - 3600);
    const otherAudience = await (await LocalIssuer.create(ISS, 'someone-else')).token('x', ['admin']);
    for (const authorization of [undefined, `Bearer ${expired}`, `Bearer ${await other.token('x', ['admin'])}`, `Bearer ${otherAudience}`, 'Bearer not-a-jwt']) {
      const res = await fetch(`${api.url}/sensors/latest`, { headers: authorization ? { authorization } : {} });
      expect(res.status, authorization ?? 'none').toBe(401);
    }
    expect(events.length).toBe(before);
  });

  it('runs the device authorizer, caches its answer, passes its context and refuses with 403', async () => {
    const post = (authorization?: string) =>
      fetch(`${api.url}/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: '{"a":1}' });
    expect((await post()).status).toBe(401);
    expect((await post('Device bad')).status).toBe(403);
    const calls = authorizerCalls;
    expect((await post('Device good')).status).toBe(201);
    expect((await post('Device good')).status).toBe(201);
    expect(authorizerCalls).toBe(calls + 1);
    const last = events.at(-1)!;
    expect(last.requestContext.authorizer.lambda).toEqual({ deviceId: 'd-1' });
    expect(last.body).toBe('{"a":1}');
    expect(last.isBase64Encoded).toBe(false);
  });

  it('answers 404 for an unknown route', async () => {
    expect((await fetch(`${api.url}/nowhere`)).status).toBe(404);
    expect(matchRoute([route('GET /open', { type: 'NONE' })], 'POST', '/open')).toBeUndefined();
  });
});
