// Operator read routes against moto: sensors, latest reading, observations by source or zone with pagination, and 400s.
import { beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { Observation } from '../../lambdas/shared/domain/observation.ts';
import { motoOperatorApi } from '../helpers/operator-api.ts';
import { httpEvent } from '../helpers/events.ts';
import { claimsFor } from '../helpers/province.ts';

const operator = claimsFor('hoa', 'operator');
let api: Awaited<ReturnType<typeof motoOperatorApi>>['api'];
const get = async (routeKey: string, query: Record<string, string> = {}, pathParameters?: Record<string, string>) => {
  const res = await api(httpEvent(routeKey, { query, pathParameters, claims: operator }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer);
  return { status: res.statusCode, body: JSON.parse(res.body!) };
};

// Zone dn-bach-dang has sensor aq-dn-001 and camera cam-dn-001; readings interleave in time.
const sensorObs: Observation[] = Array.from({ length: 25 }, (_, i) => ({
  v: 1, id: `a-${i}`, source: 'aq-dn-001', kind: 'pm25', zone: 'dn-bach-dang', ts: new Date(Date.UTC(2026, 10, 25, 15, 0, i * 20)).toISOString(), value: i,
}));
const cameraObs: Observation[] = Array.from({ length: 18 }, (_, i) => ({
  v: 1, id: `c-${i}`, source: 'cam-dn-001', kind: 'people_count', zone: 'dn-bach-dang', ts: new Date(Date.UTC(2026, 10, 25, 15, 0, i * 30 + 5)).toISOString(), value: i,
}));

beforeAll(async () => {
  const p = await motoOperatorApi();
  expect(await p.deps.observations.putObservations([...sensorObs, ...cameraObs])).toEqual([]);
  api = p.api;
});

async function allPages(query: Record<string, string>) {
  const seen: Observation[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const { status, body } = await get('GET /observations', cursor ? { ...query, cursor } : query);
    expect(status).toBe(200);
    expect(body.items.length).toBeLessThanOrEqual(Number(query.limit));
    seen.push(...body.items);
    cursor = body.next ?? undefined;
    pages++;
  } while (cursor && pages < 100);
  return { seen, pages };
}

describe('operator read API', () => {
  it('lists the configured sensors with their credential state', async () => {
    const { status, body } = await get('GET /sensors');
    expect(status).toBe(200);
    expect(body.items.map((s: { id: string }) => s.id)).toEqual(['aq-dn-001', 'aq-dn-002', 'aq-dn-003']);
    expect(body.items[0]).toMatchObject({ kind: 'pm25', unit: 'µg/m³', zone: 'dn-bach-dang', credential: 'none' });
  });

  it('returns the latest reading of a sensor, null when it has none, 404 for an unknown sensor', async () => {
    expect((await get('GET /sensors/{id}/latest', {}, { id: 'aq-dn-001' })).body.latest).toMatchObject({ id: 'a-24', value: 24 });
    expect((await get('GET /sensors/{id}/latest', {}, { id: 'aq-dn-003' })).body.latest).toBeNull();
    expect((await get('GET /sensors/{id}/latest', {}, { id: 'aq-dn-999' })).status).toBe(404);
  });

  it('pages through a source newest first without gaps or repeats', async () => {
    const { seen, pages } = await allPages({ source: 'aq-dn-001', from: '2026-11-25T15:00:00Z', to: '2026-11-25T16:00:00Z', limit: '7' });
    expect(pages).toBe(4);
    expect(seen.map((o) => o.id)).toEqual(sensorObs.map((o) => o.id).reverse());
  });

  it('limits a source to the time range, bounds inclusive', async () => {
    const { body } = await get('GET /observations', { source: 'aq-dn-001', from: '2026-11-25T15:01:00Z', to: '2026-11-25T15:02:00Z' });
    expect(body.items.map((o: Observation) => o.ts)).toEqual([
      '2026-11-25T15:02:00.000Z', '2026-11-25T15:01:40.000Z', '2026-11-25T15:01:20.000Z', '2026-11-25T15:01:00.000Z',
    ]);
    expect(body.next).toBeNull();
  });

  it('merges a zone across its sources newest first, page after page, every observation once', async () => {
    const expected = [...sensorObs, ...cameraObs].sort((a, b) => (a.ts < b.ts ? 1 : -1)).map((o) => o.id);
    for (const limit of ['1', '5', '13', '100']) {
      const { seen } = await allPages({ zone: 'dn-bach-dang', from: '2026-11-25T14:00:00Z', to: '2026-11-25T16:00:00Z', limit });
      expect(seen.map((o) => o.id)).toEqual(expected);
    }
  });

  it('answers 400 naming the bad query parameter', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'source'],
      [{ source: 'aq-dn-001', zone: 'dn-bach-dang' }, 'source'],
      [{ source: 'aq-dn-001', limit: '0' }, 'limit'],
      [{ source: 'aq-dn-001', limit: 'ten' }, 'limit'],
      [{ source: 'aq-dn-001', from: 'last week' }, 'from'],
      [{ source: 'aq-dn-001', from: '2026-11-26T00:00:00Z', to: '2026-11-25T00:00:00Z' }, 'from'],
      [{ source: 'aq-dn-001', cursor: 'bm90IGEgY3Vyc29y' }, 'cursor'],
      [{ source: 'aq-dn-001', colour: 'red' }, '(query)'],
    ];
    for (const [query, param] of cases) {
      const { status, body } = await get('GET /observations', query);
      expect(status, JSON.stringify(query)).toBe(400);
      expect(body.problems[0].path, JSON.stringify(query)).toBe(param);
      expect(body.message).toContain(param === '(query)' ? 'colour' : param);
    }
  });

  it('answers 404 for an unknown source or zone', async () => {
    expect((await get('GET /observations', { source: 'nope-1' })).status).toBe(404);
    expect((await get('GET /observations', { zone: 'nope-1' })).status).toBe(404);
  });

  it('refuses callers outside the operator groups', async () => {
    const res = await api(
      httpEvent('GET /sensors', { claims: claimsFor('guest', 'citizens') }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer,
    );
    expect(res.statusCode).toBe(403);
  });
});
