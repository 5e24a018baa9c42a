// The incident state machine: allowed and refused transitions, observations and clear spells, escalation, auto-resolve.
import { describe, expect, it } from 'vitest';
import { ruleSchema, type Rule } from '../../lib/config/schema.ts';
import {
  ALLOWED_TRANSITIONS,
  INCIDENT_STATUSES,
  SYSTEM_ACTOR,
  TransitionError,
  acknowledge,
  addNote,
  autoResolveDue,
  dismiss,
  escalate,
  escalationDue,
  isClosed,
  isEscalated,
  markClear,
  openIncident,
  recordObservation,
  resolve,
  type Incident,
  type IncidentStatus,
} from '../../lambdas/shared/domain/incident.ts';

const T0 = '2026-11-25T15:30:00.000Z';
const at = (minutes: number): string => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

const crowd = ruleSchema.parse({
  id: 'crowd-bd',
  kind: 'crowd',
  title: { vi: 'Tụ tập đông người ban đêm tại Bạch Đằng', en: 'Night-time crowd on Bach Dang' },
  zone: 'dn-bach-dang',
  minPeople: 15,
  severity: 'high',
  ackWithinMinutes: 10,
  autoResolveAfterMinutes: 20,
}) as Rule;
const lowWater = ruleSchema.parse({
  id: 'low-water',
  kind: 'threshold',
  title: { vi: 'Mực nước thấp', en: 'Low water' },
  source: 'wl-hue-001',
  op: '<',
  value: 0.5,
}) as Rule;

const opened = (): Incident =>
  openIncident({ id: 'inc-test', rule: crowd, subject: 'dn-bach-dang', zone: 'dn-bach-dang', measure: 'people_count', value: 20, at: T0 }).incident;

/** An incident brought to `status` through allowed transitions. */
function inStatus(status: IncidentStatus): Incident {
  const i = opened();
  switch (status) {
    case 'open':
      return i;
    case 'acknowledged':
      return acknowledge(i, 'op1', at(1)).incident;
    case 'resolved':
      return resolve(i, 'op1', at(2)).incident;
    case 'dismissed':
      return dismiss(i, 'op1', at(2)).incident;
  }
}

const actions = {
  acknowledged: (i: Incident) => acknowledge(i, 'op2', at(5), 'đang xử lý'),
  resolved: (i: Incident) => resolve(i, 'op2', at(5)),
  dismissed: (i: Incident) => dismiss(i, 'op2', at(5)),
} as const;

describe('openIncident', () => {
  it('opens at version 1 with the rule title, severity and the first value, and audits the opening', () => {
    // Act
    const { incident, audit } = openIncident({
      id: 'inc-test',
      rule: crowd,
      subject: 'dn-bach-dang',
      zone: 'dn-bach-dang',
      measure: 'people_count',
      value: 20,
      at: '2026-11-25T15:30:00Z',
    });
    // Assert
    expect(incident).toEqual({
      id: 'inc-test',
      ruleId: 'crowd-bd',
      ruleKind: 'crowd',
      subject: 'dn-bach-dang',
      zone: 'dn-bach-dang',
      measure: 'people_count',
      worse: 'higher',
      severity: 'high',
      title: { vi: 'Tụ tập đông người ban đêm tại Bạch Đằng', en: 'Night-time crowd on Bach Dang' },
      status: 'open',
      openedAt: T0,
      lastSeenAt: T0,
      peakValue: 20,
      lastValue: 20,
      observationCount: 1,
      escalations: 0,
      notes: [],
      version: 1,
    });
    expect(audit).toEqual({ incidentId: 'inc-test', at: T0, actor: SYSTEM_ACTOR, action: 'open', fromStatus: null, toStatus: 'open' });
  });

  it('leaves optional fields absent rather than undefined (DynamoDB-safe) and survives a JSON round trip', () => {
    // Act
    const { incident } = openIncident({ id: 'inc-x', rule: lowWater, subject: 'wl-hue-001', measure: 'water_level', value: 0.4, at: T0 });
    // Assert
    expect(Object.values(incident).includes(undefined)).toBe(false);
    expect('zone' in incident).toBe(false);
    expect(JSON.parse(JSON.stringify(incident))).toEqual(incident);
    expect(incident.worse).toBe('lower');
  });
});

describe('transitions', () => {
  const targets = ['acknowledged', 'resolved', 'dismissed'] as const;
  const cases = INCIDENT_STATUSES.flatMap((from) => targets.map((to) => [from, to, ALLOWED_TRANSITIONS[from].includes(to)] as const));

  it('allows exactly open→acknowledged|resolved|dismissed and acknowledged→resolved|dismissed', () => {
    // Assert
    expect(cases.filter(([, , ok]) => ok).map(([f, t]) => `${f}→${t}`)).toEqual([
      'open→acknowledged',
      'open→resolved',
      'open→dismissed',
      'acknowledged→resolved',
      'acknowledged→dismissed',
    ]);
  });

  it.each(cases.filter(([, , ok]) => ok))('%s → %s is allowed: status, who/when, version and audit', (from, to) => {
    // Prepare
    const before = inStatus(from);
    // Act
    const { incident, audit } = actions[to](before);
    // Assert
    expect(incident.status).toBe(to);
    expect(incident.version).toBe(before.version + 1);
    expect(audit).toMatchObject({ incidentId: 'inc-test', at: at(5), actor: 'op2', fromStatus: from, toStatus: to });
    const who = { acknowledged: 'acknowledgedBy', resolved: 'resolvedBy', dismissed: 'dismissedBy' }[to];
    const when = { acknowledged: 'acknowledgedAt', resolved: 'resolvedAt', dismissed: 'dismissedAt' }[to];
    expect(incident).toMatchObject({ [who]: 'op2', [when]: at(5) });
  });

  it.each(cases.filter(([, , ok]) => !ok))('%s → %s is refused with a TransitionError', (from, to) => {
    // Prepare
    const before = inStatus(from);
    // Act
    const act = () => actions[to](before);
    // Assert
    expect(act).toThrow(TransitionError);
    try {
      act();
    } catch (e) {
      expect(e).toMatchObject({ name: 'TransitionError', incidentId: 'inc-test', from, to });
    }
  });

  it('keeps a note given with a transition in notes and in the audit entry', () => {
    // Act
    const { incident, audit } = acknowledge(opened(), 'op1', at(1), 'Đã cử lực lượng');
    // Assert
    expect(incident.notes).toEqual([{ at: at(1), by: 'op1', text: 'Đã cử lực lượng' }]);
    expect(audit.note).toBe('Đã cử lực lượng');
  });

  it('accepts notes in any status without changing it', () => {
    // Prepare
    const closed = inStatus('resolved');
    // Act
    const { incident, audit } = addNote(closed, 'sup1', at(30), 'Rà soát sau sự cố');
    // Assert
    expect(incident.status).toBe('resolved');
    expect(incident.notes.at(-1)).toEqual({ at: at(30), by: 'sup1', text: 'Rà soát sau sự cố' });
    expect(audit).toMatchObject({ action: 'note', fromStatus: 'resolved', toStatus: 'resolved' });
  });

  it('reports final statuses', () => {
    // Act
    const finals = INCIDENT_STATUSES.filter(isClosed);
    // Assert
    expect(finals).toEqual(['resolved', 'dismissed']);
  });
});

describe('observations and clear spells', () => {
  it('keeps the peak, the newest value and time, and the count', () => {
    // Prepare
    let i = opened();
    // Act
    i = recordObservation(i, 35, at(1));
    i = recordObservation(i, 25, at(2));
    i = recordObservation(i, 50, at(0.5)); // late, but the largest
    // Assert
    expect(i).toMatchObject({ peakValue: 50, lastValue: 25, lastSeenAt: at(2), observationCount: 4, version: 4 });
  });

  it('takes the lowest value as peak when lower is worse', () => {
    // Prepare
    const i = openIncident({ id: 'inc-w', rule: lowWater, subject: 'wl-hue-001', measure: 'water_level', value: 0.4, at: T0 }).incident;
    // Act
    const next = recordObservation(recordObservation(i, 0.3, at(1)), 0.45, at(2));
    // Assert
    expect(next.peakValue).toBe(0.3);
  });

  it('markClear sets clearSince once, keeping the earliest; a newer observation ends the spell, an older one does not', () => {
    // Prepare
    const i = opened();
    // Act
    const clear = markClear(i, at(3));
    const clearAgain = markClear(clear, at(4));
    const lateMatch = recordObservation(clearAgain, 30, at(2));
    const newMatch = recordObservation(lateMatch, 30, at(5));
    // Assert
    expect(clear.clearSince).toBe(at(3));
    expect(clearAgain).toBe(clear);
    expect(lateMatch.clearSince).toBe(at(3));
    expect('clearSince' in newMatch).toBe(false);
  });

  it('changes nothing on a closed incident', () => {
    // Prepare
    const closed = inStatus('dismissed');
    // Act
    const observed = recordObservation(closed, 99, at(9));
    const cleared = markClear(closed, at(9));
    // Assert
    expect(observed).toBe(closed);
    expect(cleared).toBe(closed);
  });
});

describe('auto-resolve timing', () => {
  it('is due once the condition has been clear for autoResolveAfterMinutes', () => {
    // Prepare: clear from minute 3, rule auto-resolves after 20
    const i = markClear(opened(), at(3));
    // Act
    const due = [22.99, 23].map((m) => autoResolveDue(i, crowd, at(m)));
    // Assert
    expect(due).toEqual([false, true]);
  });

  it('is not due while the condition holds, after the condition returned, or once closed', () => {
    // Prepare
    const holding = opened();
    const returned = recordObservation(markClear(opened(), at(3)), 30, at(10));
    const closed = resolve(markClear(opened(), at(3)), 'op1', at(5)).incident;
    // Act
    const due = [holding, returned, closed].map((i) => autoResolveDue(i, crowd, at(120)));
    // Assert
    expect(due).toEqual([false, false, false]);
  });

  it('resolving as the system records the system actor', () => {
    // Prepare
    const i = markClear(opened(), at(3));
    // Act
    const { incident, audit } = resolve(i, SYSTEM_ACTOR, at(23));
    // Assert
    expect(incident).toMatchObject({ status: 'resolved', resolvedBy: 'system', resolvedAt: at(23) });
    expect(audit.actor).toBe('system');
  });
});

describe('escalation', () => {
  it('is due when open and not acknowledged within ackWithinMinutes of opening, then of the last escalation', () => {
    // Prepare: ackWithinMinutes = 10
    const i = opened();
    // Act
    const before = escalationDue(i, crowd, at(9.99));
    const onTime = escalationDue(i, crowd, at(10));
    const once = escalate(i, at(10)).incident;
    const tooSoon = escalationDue(once, crowd, at(19.99));
    const again = escalationDue(once, crowd, at(20));
    // Assert
    expect([before, onTime, tooSoon, again]).toEqual([false, true, false, true]);
  });

  it('is never due once acknowledged or closed', () => {
    // Act
    const due = (['acknowledged', 'resolved', 'dismissed'] as const).map((s) => escalationDue(inStatus(s), crowd, at(600)));
    // Assert
    expect(due).toEqual([false, false, false]);
  });

  it('raises severity one step per escalation, capped at critical, counting every escalation', () => {
    // Prepare: a low-severity incident
    const low = openIncident({
      id: 'inc-low',
      rule: { ...crowd, severity: 'low' },
      subject: 'dn-bach-dang',
      measure: 'people_count',
      value: 20,
      at: T0,
    }).incident;
    // Act
    const steps: Incident[] = [low];
    for (let n = 1; n <= 4; n++) steps.push(escalate(steps.at(-1)!, at(10 * n)).incident);
    // Assert
    expect(steps.map((s) => s.severity)).toEqual(['low', 'medium', 'high', 'critical', 'critical']);
    expect(steps.at(-1)).toMatchObject({ escalations: 4, escalatedAt: at(40), status: 'open' });
    expect(isEscalated(steps[0]!)).toBe(false);
    expect(isEscalated(steps[1]!)).toBe(true);
  });

  it('audits the severity change', () => {
    // Act
    const { audit } = escalate(opened(), at(10));
    // Assert
    expect(audit).toEqual({
      incidentId: 'inc-test',
      at: at(10),
      actor: 'system',
      action: 'escalate',
      fromStatus: 'open',
      toStatus: 'open',
      fromSeverity: 'high',
      toSeverity: 'critical',
    });
  });

  it('refuses to escalate an incident that is not open', () => {
    // Prepare
    const acked = inStatus('acknowledged');
    // Act
    const act = () => escalate(acked, at(30));
    // Assert
    expect(act).toThrow(TransitionError);
  });
});

describe('escalation clock', () => {
  it('starts when operators were told (raisedAt), not at the older opening observation', async () => {
    const { openIncident, escalationDue } = await import('../../lambdas/shared/domain/incident.ts');
    const rule = { id: 'r', kind: 'crowd', zone: 'z', minPeople: 10, sustain: { observations: 1 }, title: { vi: 'a', en: 'a' }, severity: 'high', enabled: true, cooldownMinutes: 30, ackWithinMinutes: 10, autoResolveAfterMinutes: 20 } as const;
    const { incident } = openIncident({ id: 'inc-0000000000001', rule, subject: 'z', zone: 'z', measure: 'people_count', value: 12, at: '2026-11-25T15:00:00Z' });
    const late = { ...incident, raisedAt: '2026-11-25T15:08:00.000Z' };
    expect(escalationDue(incident, rule, '2026-11-25T15:10:00Z')).toBe(true);
    expect(escalationDue(late, rule, '2026-11-25T15:10:00Z')).toBe(false);
    expect(escalationDue(late, rule, '2026-11-25T15:18:00Z')).toBe(true);
  });
});
