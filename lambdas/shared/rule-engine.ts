// Applies the rules to stored observations: per (rule, subject), load state, evaluate in time order, commit atomically,
// then send the alerts the change implies. Correct across batches, shards, concurrent invocations and redelivery.
import type { Rule } from '../../lib/config/schema.ts';
import { alertText, type AlertEvent } from './domain/alert-text.ts';
import { isClosed, markClear, openIncident, recordObservation, type AuditEntry } from './domain/incident.ts';
import type { Observation } from './domain/observation.ts';
import { evaluate, onIncidentClosed, subjectsFor, type RuleState, type StreamRule } from './domain/rules.ts';
import { ConflictError, type IncidentStore, type PendingAlert, type StoredIncident } from './adapters/incident-store.ts';
import type { KpiRecorder } from './incident-actions.ts';
import type { ProvinceRegistry } from './province.ts';
import { realSleep } from './retry.ts';

/** Sends one alert for an incident (opened or escalated). */
export interface AlertSender {
  send(incident: StoredIncident, event: AlertEvent): Promise<void>;
}

/** Ports of the rule engine. */
export interface RuleEngineDeps {
  readonly incidents: Pick<IncidentStore, 'getState' | 'getIncident' | 'commit' | 'clearPendingAlert'>;
  readonly rules: () => Promise<readonly Rule[]>;
  readonly registry: ProvinceRegistry;
  readonly alerts: AlertSender;
  /** The clock that stamps pending alerts (the sweep retries one only after a grace period from this stamp). */
  readonly now: () => Date;
  /** KPI counters (incidents opened). */
  readonly kpis?: KpiRecorder;
  readonly log?: { warn(msg: string, extra: Record<string, unknown>): void };
  /** Attempts per (rule, subject) when concurrent writers race. @default 6 */
  readonly attempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Counts of what the engine did, for metrics. */
export interface RuleEngineReport {
  opened: number;
  updated: number;
  conflicts: number;
  alertsSent: number;
  alertsDeferred: number;
}

/**
 * Evaluates every enabled stream rule against `observations` (already stored). Returns the observations that could
 * not be evaluated (to be retried by redelivery) and a report.
 */
export async function evaluateObservations(
  observations: readonly Observation[],
  deps: RuleEngineDeps,
): Promise<{ unhandled: Observation[]; report: RuleEngineReport }> {
  const report: RuleEngineReport = { opened: 0, updated: 0, conflicts: 0, alertsSent: 0, alertsDeferred: 0 };
  if (observations.length === 0) return { unhandled: [], report };
  const rules = (await deps.rules()).filter((r): r is StreamRule => r.enabled && r.kind !== 'stale');
  const groups = new Map<string, { rule: StreamRule; subject: string; zone?: string; obs: Observation[] }>();
  for (const o of observations) {
    for (const rule of rules) {
      for (const s of subjectsFor(rule, o, deps.registry)) {
        const key = `${rule.id}\u0000${s.subject}`;
        const g = groups.get(key) ?? { rule, subject: s.subject, zone: s.zone, obs: [] };
        g.obs.push(o);
        groups.set(key, g);
      }
    }
  }
  const unhandled = new Set<Observation>();
  await Promise.all(
    [...groups.values()].map(async (g) => {
      g.obs.sort((a, b) => (a.ts === b.ts ? a.id.localeCompare(b.id) : a.ts < b.ts ? -1 : 1));
      const attempts = deps.attempts ?? 6;
      for (let attempt = 1; ; attempt++) {
        try {
          await evaluateGroup(g, deps, report);
          return;
        } catch (e) {
          if (e instanceof ConflictError && attempt < attempts) {
            report.conflicts++;
            await (deps.sleep ?? realSleep)(Math.random() * 20 * attempt);
            continue;
          }
          deps.log?.warn('rule evaluation failed', { ruleId: g.rule.id, subject: g.subject, error: (e as Error).message });
          for (const o of g.obs) unhandled.add(o);
          return;
        }
      }
    }),
  );
  return { unhandled: [...unhandled], report };
}

async function evaluateGroup(
  g: { rule: StreamRule; subject: string; zone?: string; obs: Observation[] },
  deps: RuleEngineDeps,
  report: RuleEngineReport,
): Promise<void> {
  const { rule, subject } = g;
  const stored = await deps.incidents.getState(rule.id, subject);
  let state: RuleState | undefined = stored;
  let incident: StoredIncident | undefined = state?.openIncidentId ? await deps.incidents.getIncident(state.openIncidentId) : undefined;
  // The incident was resolved or dismissed (by an operator or the sweep) since this state was written.
  if (state?.openIncidentId && (!incident || isClosed(incident.status))) {
    const closedAt = incident?.resolvedAt ?? incident?.dismissedAt ?? state.lastObservationTs ?? g.obs[0]!.ts;
    state = onIncidentClosed(state, closedAt, rule);
    incident = undefined;
  }
  const incidentBefore = incident;
  const audits: AuditEntry[] = [];
  let alert: PendingAlert | undefined;
  let updates = 0;
  for (const o of g.obs) {
    const { state: next, effect } = evaluate(rule, state, o, deps.registry.timezone);
    state = next;
    if (effect.type === 'open') {
      const t = openIncident({ id: effect.incidentId, rule, subject, zone: g.zone ?? o.zone, measure: o.kind, unit: o.unit, value: effect.value, at: effect.at });
      const raisedAt = deps.now().toISOString();
      incident = { ...t.incident, raisedAt: raisedAt > t.incident.openedAt ? raisedAt : t.incident.openedAt };
      audits.push(t.audit);
      // Stamped with processing time, not the observation's: the sweep's grace period must start now.
      alert = { event: 'opened', at: deps.now().toISOString() };
    } else if (effect.type === 'update' && incident?.id === effect.incidentId) {
      // A late observation (older than the incident's last one) may be a redelivery beyond the state's recent-id
      // memory: let it raise the peak (idempotent) but not the count, so redelivery never inflates the incident.
      if (Date.parse(effect.at) <= Date.parse(incident.lastSeenAt)) incident = raisePeak(incident, effect.value);
      else incident = recordObservation(incident, effect.value, effect.at);
      updates++;
    } else if (effect.type === 'clear' && incident?.id === effect.incidentId) {
      incident = markClear(incident, effect.at);
    }
  }
  if (!state || state === stored) return;
  // Nothing is happening (no streak, no incident, never was): skip the write. Redelivery then re-judges the same
  // non-matching observations, which changes nothing. Crowd rules keep per-camera counts, so they always write.
  const quiet = (s: RuleState | undefined) => !s || (s.streakCount === 0 && s.openIncidentId === null);
  if (rule.kind === 'threshold' && quiet(stored) && quiet(state) && state.cooldownUntil === (stored?.cooldownUntil ?? null)) return;

  const newIncident = incident && incident !== incidentBefore ? incident : undefined;
  await deps.incidents.commit({
    state: { next: state, expectedVersion: stored?.version ?? 0 },
    incident: newIncident ? { next: newIncident, expectedVersion: incidentBefore?.id === newIncident.id ? incidentBefore.version : 0, pendingAlert: alert } : undefined,
    audits,
  });
  report.updated += updates;
  if (alert && newIncident) {
    report.opened++;
    await deps.kpis?.record({ type: 'opened', incident: newIncident }).catch(() => undefined);
    await sendAlert(deps, { ...newIncident, pendingAlert: alert }, alert, report);
  }
}

/** Sends an alert and clears it from the outbox; a failure leaves it pending for the sweep to retry. */
export async function sendAlert(
  deps: Pick<RuleEngineDeps, 'alerts' | 'incidents' | 'log'>,
  incident: StoredIncident,
  alert: PendingAlert,
  report?: Pick<RuleEngineReport, 'alertsSent' | 'alertsDeferred'>,
): Promise<void> {
  try {
    await deps.alerts.send(incident, alert.event);
    await deps.incidents.clearPendingAlert(incident.id, alert.at);
    if (report) report.alertsSent++;
  } catch (e) {
    if (report) report.alertsDeferred++;
    deps.log?.warn('alert deferred to the sweep', { incidentId: incident.id, error: (e as Error).message });
  }
}

/** An AlertSender that renders the bilingual text and hands it to a publisher. */
export function textAlertSender(
  registry: ProvinceRegistry,
  baseUrl: string,
  publisher: { publish(text: ReturnType<typeof alertText>, attrs: Record<string, string>): Promise<unknown> },
): AlertSender {
  return {
    async send(incident, event) {
      const zone = registry.zones.find((z) => z.id === incident.zone);
      const text = alertText({
        event,
        incident,
        zoneName: zone ? { vi: zone.name, en: zone.nameEn } : undefined,
        timezone: registry.timezone,
        baseUrl,
      });
      await publisher.publish(text, { incidentId: incident.id, event, severity: incident.severity, province: registry.code });
    },
  };
}

function raisePeak(incident: StoredIncident, value: number): StoredIncident {
  const worse = incident.worse === 'lower' ? value < incident.peakValue : value > incident.peakValue;
  return worse ? { ...incident, peakValue: value, version: incident.version + 1 } : incident;
}
