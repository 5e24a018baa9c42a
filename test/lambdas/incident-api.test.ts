// Incident handling through the operator API against moto: lifecycle, audit trail, 409 races, rule edits and authorization.
import { beforeEach, describe, expect, it } from 'vitest';
import { openIncident, recordObservation } from '../../lambdas/shared/domain/incident.ts';
import { initialRuleState, type RuleState } from '../../lambdas/shared/domain/rules.ts';
import { OPERATOR_ROUTES, routeKey } from '../../lambdas/operator-api/api-spec.ts';
import { motoOperatorApi } from '../helpers/operator-api.ts';
import { claimsFor, sampleRegistry } from '../helpers/province.ts';

const registry = sampleRegistry('da-nang');
const crowdRule = registry.rules.find((r) => r.id === 'crowd-bach-dang-night')!;
const op = claimsFor('hoa', 'operator');
const op2 = claimsFor('tuan', 'operator');
const supervisor = claimsFor('mai', 'supervisor');

async function withOpenIncident() {
  const p = await motoOperatorApi({ now: () => new Date('2026-11-25T16:05:00Z') });
  const { incident, audit } = openIncident({
    id: 'inc-0000000000abc', rule: crowdRule, subject: 'dn-bach-dang', zone: 'dn-bach-dang', measure: 'people_count', value: 23, at: '2026-11-25T16:00:00Z',
  });
  const state: RuleState = { ...initialRuleState(crowdRule.id, 'dn-bach-dang'), streakCount: 5, openIncidentId: incident.id, version: 3 };
  await p.deps.incidents.commit({ state: { next: state, expectedVersion: 0 }, incident: { next: incident, expectedVersion: 0 }, audits: [audit] });
  return { ...p, id: incident.id };
}

describe('incident lifecycle through the API', () => {
  let p: Awaited<ReturnType<typeof withOpenIncident>>;
  beforeEach(async () => {
    p = await withOpenIncident();
  });

  it('acknowledge then resolve: statuses, who and when, notes, and an audit trail of three steps', async () => {
    // Act
    const ack = await p.call('POST /incidents/{id}/acknowledge', { pathParameters: { id: p.id }, body: { note: 'Đã cử tổ tuần tra' }, claims: op });
    const res = await p.call('POST /incidents/{id}/resolve', { pathParameters: { id: p.id }, body: { note: 'Đám đông đã giải tán', expectedVersion: 2 }, claims: op2 });
    const read = await p.call('GET /incidents/{id}', { pathParameters: { id: p.id }, claims: op });

    // Assert
    expect(ack.status).toBe(200);
    expect(ack.body.incident).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'hoa', acknowledgedAt: '2026-11-25T16:05:00.000Z', version: 2 });
    expect(res.status).toBe(200);
    expect(read.body.incident).toMatchObject({ status: 'resolved', resolvedBy: 'tuan', version: 3 });
    expect(read.body.incident.notes.map((n: { text: string }) => n.text)).toEqual(['Đã cử tổ tuần tra', 'Đám đông đã giải tán']);
    expect(read.body.audit.map((a: { action: string; actor: string }) => `${a.action}:${a.actor}`)).toEqual(['open:system', 'acknowledge:hoa', 'resolve:tuan']);
    // Closing freed the rule for a new incident after the cooldown
    const state = await p.deps.incidents.getState(crowdRule.id, 'dn-bach-dang');
    expect(state).toMatchObject({ openIncidentId: null, cooldownUntil: '2026-11-25T16:35:00.000Z' });
  });

  it('two operators acting at once: one wins, the other gets 409 with the current state', async () => {
    const [a, b] = await Promise.all([
      p.call('POST /incidents/{id}/acknowledge', { pathParameters: { id: p.id }, body: {}, claims: op }),
      p.call('POST /incidents/{id}/dismiss', { pathParameters: { id: p.id }, body: { note: 'báo động giả' }, claims: op2 }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.error).toBe('conflict');
    expect(loser.body.current.version).toBe(2);
    const audit = (await p.call('GET /incidents/{id}', { pathParameters: { id: p.id }, claims: op })).body.audit;
    expect(audit).toHaveLength(2);
  });

  it('an acknowledge that races with a new observation is retried on a fresh read and succeeds', async () => {
    // Prepare: the first commit of the API finds the incident changed by the stream a moment before
    const store = p.deps.incidents;
    const commit = store.commit.bind(store);
    let raced = false;
    store.commit = async (change) => {
      if (!raced && change.incident) {
        raced = true;
        const now = (await store.getIncident(p.id))!;
        await commit({ incident: { next: recordObservation(now, 30, '2026-11-25T16:04:00Z'), expectedVersion: now.version } });
      }
      return commit(change);
    };

    const ack = await p.call('POST /incidents/{id}/acknowledge', { pathParameters: { id: p.id }, body: {}, claims: op });

    expect(ack.status).toBe(200);
    expect(ack.body.incident).toMatchObject({ status: 'acknowledged', peakValue: 30, version: 3 });
  });

  it('a stale expectedVersion is 409 with the current incident; an invalid transition is 409 too', async () => {
    const stale = await p.call('POST /incidents/{id}/resolve', { pathParameters: { id: p.id }, body: { expectedVersion: 7 }, claims: op });
    expect(stale.status).toBe(409);
    expect(stale.body.current.status).toBe('open');
    await p.call('POST /incidents/{id}/resolve', { pathParameters: { id: p.id }, body: {}, claims: op });
    const again = await p.call('POST /incidents/{id}/acknowledge', { pathParameters: { id: p.id }, body: {}, claims: op });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('resolved');
  });

  it('unknown ids are 404, malformed ids and bodies 400 with the bad field', async () => {
    expect((await p.call('GET /incidents/{id}', { pathParameters: { id: 'inc-zzzzzzzzzzzzz' }, claims: op })).status).toBe(404);
    const badId = await p.call('GET /incidents/{id}', { pathParameters: { id: 'INC-1' }, claims: op });
    expect(badId.status).toBe(400);
    expect(badId.body.problems[0].path).toBe('id');
    const badNote = await p.call('POST /incidents/{id}/acknowledge', { pathParameters: { id: p.id }, body: { note: 42 }, claims: op });
    expect(badNote.status).toBe(400);
    expect(badNote.body.problems[0].path).toBe('$.note');
  });

  it('lists incidents newest first with filters and pagination', async () => {
    for (const [i, at] of ['2026-11-25T17:00:00Z', '2026-11-25T18:00:00Z'].entries()) {
      const { incident, audit } = openIncident({ id: `inc-00000000000${i}x`, rule: crowdRule, subject: 'dn-cau-rong', zone: 'dn-cau-rong', measure: 'people_count', value: 30, at });
      await p.deps.incidents.commit({ incident: { next: incident, expectedVersion: 0 }, audits: [audit] });
    }
    await p.call('POST /incidents/{id}/resolve', { pathParameters: { id: p.id }, body: {}, claims: op });
    const all = await p.call('GET /incidents', { query: { limit: '2' }, claims: op });
    expect(all.body.items.map((i: { id: string }) => i.id)).toEqual(['inc-000000000001x', 'inc-000000000000x']);
    const rest = await p.call('GET /incidents', { query: { limit: '2', cursor: all.body.next }, claims: op });
    expect(rest.body.items.map((i: { id: string }) => i.id)).toEqual([p.id]);
    const open = await p.call('GET /incidents', { query: { status: 'open' }, claims: op });
    expect(open.body.items).toHaveLength(2);
    const resolved = await p.call('GET /incidents', { query: { status: 'resolved', zone: 'dn-bach-dang' }, claims: op });
    expect(resolved.body.items.map((i: { id: string }) => i.id)).toEqual([p.id]);
    const window = await p.call('GET /incidents', { query: { from: '2026-11-25T16:30:00Z', to: '2026-11-25T17:30:00Z' }, claims: op });
    expect(window.body.items.map((i: { id: string }) => i.id)).toEqual(['inc-000000000000x']);
    const bad = await p.call('GET /incidents', { query: { status: 'closed' }, claims: op });
    expect(bad.status).toBe(400);
    expect(bad.body.problems[0].path).toBe('status');
  });
});

describe('rules through the API', () => {
  it('supervisors edit a rule with optimistic concurrency; the edit is what GET /rules returns', async () => {
    const p = await motoOperatorApi();
    const edited = { ...crowdRule, minPeople: 20 };
    const put = await p.call('PUT /rules/{id}', { pathParameters: { id: crowdRule.id }, body: { rule: edited, expectedVersion: 0 }, claims: supervisor });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ version: 1, updatedBy: 'mai', origin: 'edited' });
    const stale = await p.call('PUT /rules/{id}', { pathParameters: { id: crowdRule.id }, body: { rule: edited, expectedVersion: 0 }, claims: supervisor });
    expect(stale.status).toBe(409);
    const list = await p.call('GET /rules', { claims: op });
    expect(list.body.items.find((r: { rule: { id: string } }) => r.rule.id === crowdRule.id)).toMatchObject({ version: 1, rule: { minPeople: 20 } });
  });

  it('refuses a rule the config schema would refuse, naming the field', async () => {
    const p = await motoOperatorApi();
    const cases: Array<[unknown, string]> = [
      [{ ...crowdRule, minPeople: 0 }, '$.rule.minPeople'],
      [{ ...crowdRule, zone: 'nowhere' }, '$.rule.zone'],
      [{ ...crowdRule, window: { from: '25:00', to: '05:00' } }, '$.rule.window.from'],
      [{ ...crowdRule, id: 'other-id' }, '$.rule.id'],
    ];
    for (const [rule, path] of cases) {
      const res = await p.call('PUT /rules/{id}', { pathParameters: { id: crowdRule.id }, body: { rule, expectedVersion: 0 }, claims: supervisor });
      expect(res.status, path).toBe(400);
      expect(res.body.problems[0].path, path).toBe(path);
    }
  });

  it('lists zones with their sensors and cameras', async () => {
    const p = await motoOperatorApi();
    const zones = await p.call('GET /zones', { claims: op });
    expect(zones.body.items[0]).toMatchObject({ id: 'dn-bach-dang', name: 'Đường Bạch Đằng', sensors: ['aq-dn-001'], cameras: ['cam-dn-001'] });
  });
});

describe('authorization matrix', () => {
  const rank = { operator: 0, supervisor: 1, admin: 2 } as const;
  it('each group × each route: allowed exactly from its minimum role up; no groups or no token refused', async () => {
    const p = await motoOperatorApi();
    for (const route of OPERATOR_ROUTES) {
      for (const group of ['operator', 'supervisor', 'admin'] as const) {
        const res = await p.raw(routeKey(route), { pathParameters: { id: 'x' }, claims: claimsFor(`u-${group}`, group), body: {} });
        const allowed = rank[group] >= rank[route.minRole];
        expect(res.statusCode === 403, `${group} ${routeKey(route)}`).toBe(!allowed);
      }
      expect((await p.raw(routeKey(route), { claims: claimsFor('guest') })).statusCode, routeKey(route)).toBe(403);
      expect((await p.raw(routeKey(route), {})).statusCode, routeKey(route)).toBe(401);
    }
  });
});
