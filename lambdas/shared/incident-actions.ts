// Incident status changes that also touch rule state (closing frees the (rule, subject) for a new incident after the
// cooldown); shared by the operator API and the sweep so both close incidents the same way.
import type { Rule } from '../../lib/config/schema.ts';
import { TransitionError, acknowledge, dismiss, escalate, isClosed, resolve, type Transition } from './domain/incident.ts';
import { onIncidentClosed } from './domain/rules.ts';
import type { IncidentStore, PendingAlert, StoredIncident } from './adapters/incident-store.ts';
import type { KpiEvent } from './adapters/kpi-store.ts';

/** Where KPI counters go (optional: absent in tests that do not look at KPIs). */
export interface KpiRecorder {
  record(e: KpiEvent): Promise<void>;
}

/** An operator or system action on an incident. */
export type IncidentAction = 'acknowledge' | 'resolve' | 'dismiss' | 'escalate';

/** Applies `action` to `current` and commits it atomically with the audit entry (and rule state on closing). */
export async function applyIncidentAction(
  store: Pick<IncidentStore, 'getState' | 'commit'>,
  current: StoredIncident,
  action: IncidentAction,
  actor: string,
  at: string,
  rule: Pick<Rule, 'cooldownMinutes'> | undefined,
  note?: string,
  kpis?: KpiRecorder,
): Promise<{ incident: StoredIncident; alert?: PendingAlert }> {
  let t: Transition;
  if (action === 'acknowledge') t = acknowledge(current, actor, at, note);
  else if (action === 'resolve') t = resolve(current, actor, at, note);
  else if (action === 'dismiss') t = dismiss(current, actor, at, note);
  else t = escalate(current, at);
  const alert: PendingAlert | undefined = action === 'escalate' ? { event: 'escalated', at: t.audit.at } : undefined;
  const next: StoredIncident = { ...t.incident, ...(alert ? { pendingAlert: alert } : {}) };
  let state;
  if (isClosed(next.status)) {
    const s = await store.getState(current.ruleId, current.subject);
    if (s && s.openIncidentId === current.id) state = { next: onIncidentClosed(s, t.audit.at, rule ?? { cooldownMinutes: 0 }), expectedVersion: s.version };
  }
  await store.commit({ state, incident: { next, expectedVersion: current.version }, audits: [t.audit] });
  if (kpis && action !== 'escalate') {
    const type = action === 'acknowledge' ? 'acknowledged' : action === 'resolve' ? 'resolved' : 'dismissed';
    await kpis.record({ type, incident: current, at: t.audit.at }).catch(() => undefined);
  }
  return { incident: next, alert };
}

export { TransitionError };
