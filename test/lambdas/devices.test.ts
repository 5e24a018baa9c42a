// Device credentials end to end against moto: an admin issues one, the authorizer accepts it, revocation ends it.
import { beforeEach, describe, expect, it } from 'vitest';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { makeHandler as makeAuthorizer } from '../../lambdas/authorize-device/handler.ts';
import { motoClients } from '../helpers/aws.ts';
import { motoOperatorApi } from '../helpers/operator-api.ts';
import { httpEvent } from '../helpers/events.ts';
import { claimsFor } from '../helpers/province.ts';

const authorizerEvent = (authorization?: string): APIGatewayRequestAuthorizerEventV2 =>
  ({
    version: '2.0',
    type: 'REQUEST',
    routeArn: 'arn:aws:execute-api:ap-southeast-1:123456789012:api123/$default/POST/events',
    identitySource: authorization ? [authorization] : [],
    routeKey: 'POST /events',
    rawPath: '/events',
    rawQueryString: '',
    headers: authorization ? { authorization } : {},
    requestContext: { http: { method: 'POST', path: '/events' } },
  }) as unknown as APIGatewayRequestAuthorizerEventV2;

describe('device credentials', () => {
  let api: Awaited<ReturnType<typeof motoOperatorApi>>['api'];
  let authorize: ReturnType<typeof makeAuthorizer>;
  let registryTable: string;
  const call = (routeKey: string, o: Parameters<typeof httpEvent>[1]) =>
    api(httpEvent(routeKey, o) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer);

  beforeEach(async () => {
    const p = await motoOperatorApi({ now: () => new Date('2026-11-25T08:00:00Z') });
    registryTable = p.tables.registryTable;
    api = p.api;
    authorize = makeAuthorizer({ devices: p.deps.devices });
  });

  it('issues a credential once, stores only its hash, and the authorizer accepts exactly that credential', async () => {
    // Act
    const res = await call('POST /devices', { body: { id: 'aq-dn-001' }, claims: claimsFor('lan', 'admin') });

    // Assert
    expect(res.statusCode).toBe(201);
    const body = JSON.parse(res.body!);
    expect(body).toMatchObject({ id: 'aq-dn-001', kind: 'pm25', zone: 'dn-bach-dang', unit: 'µg/m³', status: 'active' });
    const token: string = body.credential;
    expect(token).toMatch(/^aq-dn-001\.[A-Za-z0-9_-]{43}$/);
    const stored = await motoClients().db.send(new GetCommand({ TableName: registryTable, Key: { pk: 'device', sk: 'aq-dn-001' } }));
    expect(JSON.stringify(stored.Item)).not.toContain(token.split('.')[1]);
    expect(stored.Item?.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.Item?.issuedBy).toBe('lan');

    const ok = await authorize(authorizerEvent(`Device ${token}`));
    expect(ok).toEqual({
      isAuthorized: true,
      context: { deviceId: 'aq-dn-001', sourceType: 'sensor', kind: 'pm25', zone: 'dn-bach-dang', unit: 'µg/m³' },
    });
    expect((await authorize(authorizerEvent(`Bearer ${token}`))).isAuthorized).toBe(true);
    const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect((await authorize(authorizerEvent(`Device ${wrong}`))).isAuthorized).toBe(false);
    expect((await authorize(authorizerEvent(`Device aq-dn-002.${token.split('.')[1]}`))).isAuthorized).toBe(false);
    expect((await authorize(authorizerEvent())).isAuthorized).toBe(false);
    expect((await authorize(authorizerEvent('Device garbage'))).isAuthorized).toBe(false);
  });

  it('rotating a credential invalidates the old one', async () => {
    const first = JSON.parse((await call('POST /devices', { body: { id: 'cam-dn-001' }, claims: claimsFor('lan', 'admin') })).body!);
    const second = JSON.parse((await call('POST /devices', { body: { id: 'cam-dn-001' }, claims: claimsFor('lan', 'admin') })).body!);
    expect(second.kind).toBe('people_count');
    expect((await authorize(authorizerEvent(`Device ${first.credential}`))).isAuthorized).toBe(false);
    expect((await authorize(authorizerEvent(`Device ${second.credential}`))).isAuthorized).toBe(true);
  });

  it('revokes a credential: the authorizer refuses it afterwards, a second revoke is 404', async () => {
    const { credential } = JSON.parse((await call('POST /devices', { body: { id: 'aq-dn-002' }, claims: claimsFor('lan', 'admin') })).body!);

    const res = await call('DELETE /devices/{id}/credential', { pathParameters: { id: 'aq-dn-002' }, claims: claimsFor('minh', 'admin') });

    expect(res.statusCode).toBe(200);
    expect((await authorize(authorizerEvent(`Device ${credential}`))).isAuthorized).toBe(false);
    const again = await call('DELETE /devices/{id}/credential', { pathParameters: { id: 'aq-dn-002' }, claims: claimsFor('minh', 'admin') });
    expect(again.statusCode).toBe(404);
    expect(JSON.parse(again.body!).error).toBe('not_found');
  });

  it('only admins manage credentials; unknown devices and bad bodies are refused with the bad field', async () => {
    const asOperator = await call('POST /devices', { body: { id: 'aq-dn-001' }, claims: claimsFor('an', 'operator') });
    expect(asOperator.statusCode).toBe(403);
    const asSupervisor = await call('DELETE /devices/{id}/credential', { pathParameters: { id: 'aq-dn-001' }, claims: claimsFor('an', 'supervisor') });
    expect(asSupervisor.statusCode).toBe(403);
    const unknown = await call('POST /devices', { body: { id: 'nope-001' }, claims: claimsFor('lan', 'admin') });
    expect(unknown.statusCode).toBe(404);
    const bad = await call('POST /devices', { body: { id: 'Bad Id!' }, claims: claimsFor('lan', 'admin') });
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body!).problems[0].path).toBe('$.id');
    const extra = await call('POST /devices', { body: { id: 'aq-dn-001', admin: true }, claims: claimsFor('lan', 'admin') });
    expect(extra.statusCode).toBe(400);
    const notJson = await call('POST /devices', { rawBody: '{', claims: claimsFor('lan', 'admin') });
    expect(notJson.statusCode).toBe(400);
    const noToken = await call('POST /devices', { body: { id: 'aq-dn-001' } });
    expect(noToken.statusCode).toBe(401);
  });
});
