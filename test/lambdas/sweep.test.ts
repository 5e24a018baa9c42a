// The scheduled sweep against moto: escalation, auto-resolve, alert retries and stale sources.
import { describe, expect, it } from 'vitest';
import { makeHandler } from '../../lambdas/sweep/handler.ts';
import type { SweepDeps } from '../../lambdas/sweep/sweep.ts';
import { IncidentStore, type StoredIncident } from '../../lambdas/shared/adapters/incident-store.ts';
import { ObservationStore } from '../../lambdas/shared/adapters/observation-store.ts';
import { markClear, openIncident } from '../../lambdas/shared/domain/incident.ts';
import { initialRuleState } from '../../lambdas/shared/domain/rules.ts';
import type { ProvinceRegistry } from '../../lambdas/shared/province.ts';
import type { AlertSender } from '../../lambdas/shared/rule-engine.ts';
import { createIncidentsTable, createTable, motoClients } from '../helpers/aws.ts';
import { sampleRegistry } from '../helpers/province.ts';

async function setup(registry: ProvinceRegistry = sampleRegistry('da-nang'), alerts: AlertSender | 'record' = 'record') {
  const { db } = motoClients();
  const incidents = new IncidentStore(db, await createIncidentsTable());
  const observations = new ObservationStore(db, await createTable('obs'), 90);
  const sent: Array<{ id: string; event: string; severity: string }> = [];
  const deps: SweepDeps = {
    incidents,
    rules: async () => registry.rules,
    lastSeen: async (s) => (await observations.latest(s))?.ts,
    registry,
    alerts: alerts === 'record' ? { send: async (i, event) => void sent.push({ id: i.id, event, severity: i.severity }) } : alerts,
  };
  const sweepAt = (iso: string) => makeHandler(deps, () => new Date(iso))();
  return { incidents, observations, sent, sweepAt, deps };
}

async function seedOpen(incidents: IncidentStore, registry: ProvinceRegistry, ruleId: string, at: string, subject = 'dn-bach-dang', pending = false) {
  const rule = registry.rules.find((r) => r.id === ruleId)!;
  const { incident, audit } = openIncident({ id: 'inc-00000000000aa', rule, subject, zone: subject, measure: 'people_count', value: 20, at });
  await incidents.commit({
    state: { next: { ...initialRuleState(rule.id, subject), streakCount: 3, openIncidentId: incident.id, version: 1 }, expectedVersion: 0 },
    incident: { next: incident, expectedVersion: 0, pendingAlert: pending ? { event: 'opened', at: new Date(at).toISOString() } : undefined },
    audits: [audit],
  });
  return incident;
}

describe('sweep', () => {
  it('escalates an incident nobody acknowledged within the rule time, once per period, alerting each time', async () => {
    const p = await setup();
    await seedOpen(p.incidents, sampleRegistry('da-nang'), 'crowd-bach-dang-night', '2026-11-25T16:00:00Z'); // ack within 10 min

    expect((await p.sweepAt('2026-11-25T16:09:00Z')).escalated).toBe(0);
    expect((await p.sweepAt('2026-11-25T16:10:00Z')).escalated).toBe(1);
    expect((await p.sweepAt('2026-11-25T16:15:00Z')).escalated).toBe(0);
    expect((await p.sweepAt('2026-11-25T16:20:00Z')).escalated).toBe(1);

    const incident = await p.incidents.getIncident('inc-00000000000aa');
    expect(incident).toMatchObject({ severity: 'critical', escalations: 2, status: 'open' });
    expect(incident?.pendingAlert).toBeUndefined();
    expect(p.sent.map((s) => `${s.event}:${s.severity}`)).toEqual(['escalated:critical', 'escalated:critical']);
    expect((await p.incidents.audit('inc-00000000000aa')).map((a) => `${a.action}:${a.fromSeverity ?? ''}>${a.toSeverity ?? ''}`)).toEqual([
      'open:>', 'escalate:high>critical', 'escalate:critical>critical',
    ]);
  });

  it('auto-resolves an incident whose condition has been clear long enough, as the system, and frees the rule', async () => {
    const p = await setup();
    const registry = sampleRegistry('da-nang');
    const opened = await seedOpen(p.incidents, registry, 'crowd-bach-dang-night', '2026-11-25T16:00:00Z');
    const ack = { ...opened, status: 'acknowledged' as const, acknowledgedAt: '2026-11-25T16:01:00Z', acknowledgedBy: 'hoa', version: 2 };
    await p.incidents.commit({ incident: { next: markClear(ack, '2026-11-25T16:30:00Z'), expectedVersion: 1 } });

    expect((await p.sweepAt('2026-11-25T16:49:00Z')).autoResolved).toBe(0);
    expect((await p.sweepAt('2026-11-25T16:50:00Z')).autoResolved).toBe(1);

    expect(await p.incidents.getIncident(opened.id)).toMatchObject({ status: 'resolved', resolvedBy: 'system' });
    expect(await p.incidents.getState('crowd-bach-dang-night', 'dn-bach-dang')).toMatchObject({ openIncidentId: null });
    expect(await p.incidents.active()).toEqual([]);
  });

  it('retries an alert left pending by a failed publish, and keeps it pending while publishing fails', async () => {
    let fail = true;
    const delivered: string[] = [];
    const p = await setup(sampleRegistry('da-nang'), {
      send: async (i: StoredIncident, event) => {
        if (fail) throw new Error('SNS unavailable');
        delivered.push(`${i.id}:${event}`);
      },
    });
    await seedOpen(p.incidents, sampleRegistry('da-nang'), 'crowd-bach-dang-night', '2026-11-25T16:00:00Z', 'dn-bach-dang', true);

    await p.sweepAt('2026-11-25T16:00:30Z'); // within the grace period: the processor may still be sending it
    await p.sweepAt('2026-11-25T16:02:00Z'); // fails
    expect((await p.incidents.getIncident('inc-00000000000aa'))?.pendingAlert).toEqual({ event: 'opened', at: '2026-11-25T16:00:00.000Z' });
    fail = false;
    await p.sweepAt('2026-11-25T16:03:00Z');
    await p.sweepAt('2026-11-25T16:04:00Z');

    expect(delivered).toEqual(['inc-00000000000aa:opened']);
    expect((await p.incidents.getIncident('inc-00000000000aa'))?.pendingAlert).toBeUndefined();
  });

  it('opens one incident for a gauge silent past the rule time, clears it when the gauge reports again', async () => {
    const registry = sampleRegistry('hue'); // gauge-offline: wl-hue-001 silent 20 min, severity high
    const p = await setup(registry);
    await p.observations.putObservations([{ v: 1, id: 'g-1', source: 'wl-hue-001', kind: 'water_level', zone: 'hue-song-huong', ts: '2026-12-05T10:00:00.000Z', value: 2 }]);

    await p.sweepAt('2026-12-05T10:19:00Z');
    const opened = await p.sweepAt('2026-12-05T10:20:00Z');
    await p.sweepAt('2026-12-05T10:25:00Z');

    expect(opened.staleOpened).toBe(1);
    const [incident] = await p.incidents.active();
    expect(incident).toMatchObject({ ruleId: 'gauge-offline', subject: 'wl-hue-001', measure: 'silence_minutes', peakValue: 20, severity: 'high' });
    expect(p.sent).toEqual([{ id: incident!.id, event: 'opened', severity: 'high' }]);

    await p.observations.putObservations([{ v: 1, id: 'g-2', source: 'wl-hue-001', kind: 'water_level', zone: 'hue-song-huong', ts: '2026-12-05T10:26:00.000Z', value: 2 }]);
    const cleared = await p.sweepAt('2026-12-05T10:27:00Z');
    expect(cleared.staleCleared).toBe(1);
    expect((await p.incidents.getIncident(incident!.id))?.clearSince).toBe('2026-12-05T10:27:00.000Z');
  });

  it('watches nothing before the pilot starts, and no camera outside its active hours', async () => {
    const registry = sampleRegistry('da-nang'); // source-offline: every source, 30 min; pilot starts 2026-12-01
    const p = await setup(registry);
    expect((await p.sweepAt('2026-11-30T12:00:00Z')).staleOpened).toBe(0);
    // 2026-12-02T05:00Z is 12:00 local: cameras (active 18:00-06:00) sleep, the three PM2.5 sensors are silent
    const day = await p.sweepAt('2026-12-02T05:00:00Z');
    expect(day.staleOpened).toBe(3);
    expect((await p.incidents.active()).map((i) => i.subject).sort()).toEqual(['aq-dn-001', 'aq-dn-002', 'aq-dn-003']);
  });
});
