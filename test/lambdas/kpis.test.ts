// Pilot KPIs against moto: counters updated as incidents change state, read back by GET /kpis without scans.
import { describe, expect, it } from 'vitest';
import { makeHandler } from '../../lambdas/operator-api/handler.ts';
import { KpiStore } from '../../lambdas/shared/adapters/kpi-store.ts';
import { UsageCounter } from '../../lambdas/shared/adapters/usage-counter.ts';
import { openIncident } from '../../lambdas/shared/domain/incident.ts';
import { isoWeek, percentile, expectedFrames, windowMinutesPerDay } from '../../lambdas/shared/domain/kpis.ts';
import { motoClients } from '../helpers/aws.ts';
import { httpEvent } from '../helpers/events.ts';
import { motoOperatorApi } from '../helpers/operator-api.ts';
import { claimsFor, sampleRegistry } from '../helpers/province.ts';

const registry = sampleRegistry('da-nang');
const crowd = registry.rules.find((r) => r.id === 'crowd-bach-dang-night')!;
const op = claimsFor('hoa', 'operator');

describe('KPI arithmetic', () => {
  it('takes nearest-rank percentiles, ISO weeks and pro-rata expected frames', () => {
    expect(percentile([30, 10, 20, 40], 50)).toBe(20);
    expect(percentile([30, 10, 20, 40], 90)).toBe(40);
    expect(percentile([], 50)).toBeNull();
    expect(isoWeek('2026-11-25')).toBe('2026-W48');
    expect(isoWeek('2027-01-01')).toBe('2026-W53');
    expect(windowMinutesPerDay({ from: '18:00', to: '06:00' })).toBe(720);
    expect(windowMinutesPerDay(undefined)).toBe(1440);
    expect(expectedFrames(86_400_000, { intervalSeconds: 10, activeHours: { from: '18:00', to: '06:00' } })).toBe(4320);
  });
});

describe('GET /kpis', () => {
  it('counts incidents by rule, zone and week, response-time percentiles and false alarms as operators act', async () => {
    // Prepare: three incidents opened by the rule engine's path, then handled through the API
    let now = new Date('2026-11-25T16:00:00Z');
    const p = await motoOperatorApi({ now: () => now });
    const kpis = new KpiStore(motoClients().db, p.tables.incidentsTable);
    const handler = makeHandler({ ...p.deps, kpis });
    const call = async (routeKey: string, req: Parameters<typeof httpEvent>[1]) => {
      const res = await handler(httpEvent(routeKey, req) as never);
      return { status: res.statusCode!, body: JSON.parse(res.body!) };
    };
    const ids: string[] = [];
    for (const [i, at] of ['2026-11-25T15:30:00Z', '2026-11-25T15:40:00Z', '2026-11-26T15:30:00Z'].entries()) {
      const { incident, audit } = openIncident({ id: `inc-00000000000k${i}`, rule: crowd, subject: 'dn-bach-dang', zone: 'dn-bach-dang', measure: 'people_count', value: 20, at });
      await p.deps.incidents.commit({ incident: { next: incident, expectedVersion: 0 }, audits: [audit] });
      await kpis.record({ type: 'opened', incident });
      ids.push(incident.id);
    }

    // Act: acknowledge after 60 s and 5 min, resolve one and dismiss the other (the API's clock decides)
    now = new Date('2026-11-25T15:31:00Z');
    expect((await call('POST /incidents/{id}/acknowledge', { pathParameters: { id: ids[0]! }, body: {}, claims: op })).status).toBe(200);
    now = new Date('2026-11-25T15:45:00Z');
    expect((await call('POST /incidents/{id}/acknowledge', { pathParameters: { id: ids[1]! }, body: {}, claims: op })).status).toBe(200);
    now = new Date('2026-11-25T16:00:00Z');
    expect((await call('POST /incidents/{id}/resolve', { pathParameters: { id: ids[0]! }, body: {}, claims: op })).status).toBe(200);
    expect((await call('POST /incidents/{id}/dismiss', { pathParameters: { id: ids[1]! }, body: { note: 'báo động giả' }, claims: op })).status).toBe(200);
    const res = await call('GET /kpis', { query: { from: '2026-11-24T00:00:00Z', to: '2026-11-27T00:00:00Z' }, claims: op });

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.incidents).toEqual({
      total: 3,
      byRule: { 'crowd-bach-dang-night': 3 },
      byZone: { 'dn-bach-dang': 3 },
      byWeek: { '2026-W48': 3 },
      byStatus: { opened: 3, acknowledged: 2, resolved: 1, dismissed: 1 },
    });
    expect(res.body.timeToAcknowledge).toEqual({ count: 2, p50Seconds: 60, p90Seconds: 300 });
    expect(res.body.timeToResolve).toEqual({ count: 2, p50Seconds: 1200, p90Seconds: 1800 });
    expect(res.body.falseAlarmRate).toBe(0.5);
    expect(res.body.cameras.map((c: { id: string }) => c.id)).toEqual(['cam-dn-001', 'cam-dn-002']);
  });

  it('reports camera uptime, sensor completeness, Rekognition calls and savings, and spend against the budget', async () => {
    const p = await motoOperatorApi({ now: () => new Date('2026-11-26T00:00:00Z') });
    const usage = new UsageCounter(motoClients().db, p.tables.registryTable);
    for (let i = 0; i < 40; i++) await usage.count('2026-11-25', i < 10 ? 'analysed' : 'carried', 'cam-dn-001');
    await usage.tryConsume('2026-11-25', 10, 1000);
    const readings = Array.from({ length: 30 }, (_, i) => ({ v: 1 as const, id: `r${i}`, source: 'aq-dn-001', kind: 'pm25', zone: 'dn-bach-dang', ts: new Date(Date.parse('2026-11-25T10:00:00Z') + i * 60_000).toISOString(), value: 40 }));
    await p.deps.observations.putObservations(readings);
    await p.deps.observations.recomputeRollups([...new Set(readings.map((r) => r.ts.slice(0, 15) + (Number(r.ts[15]) < 5 ? '0' : '5') + ':00.000Z'))].map((bucket) => ({ source: 'aq-dn-001', bucket })));
    const handler = makeHandler({ ...p.deps, usage });

    const res = await handler(httpEvent('GET /kpis', { query: { from: '2026-11-25T00:00:00Z', to: '2026-11-26T00:00:00Z' }, claims: op }) as never);
    const body = JSON.parse(res.body!);

    expect(res.statusCode).toBe(200);
    expect(body.cameras[0]).toEqual({ id: 'cam-dn-001', framesReceived: 40, framesExpected: 4320, uptime: 0.0093 });
    expect(body.sensors[0]).toEqual({ id: 'aq-dn-001', readings: 30, expected: 1440, completeness: 0.0208 });
    expect(body.rekognition).toEqual({ calls: 10, saved: { carried: 30, inactiveHours: 0, adaptiveSkip: 0, tooSoon: 0 }, capped: 0 });
    expect(body.spend).toMatchObject({ estimatedUsd: 0.01, budgetUsd: 10 });
    const bad = await handler(httpEvent('GET /kpis', { query: { from: 'yesterday' }, claims: op }) as never);
    expect(bad.statusCode).toBe(400);
  });
});
