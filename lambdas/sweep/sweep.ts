// The sweep's core, run on a schedule: escalate unacknowledged incidents, auto-resolve cleared ones, retry pending
// alerts, and open or clear incidents for sources gone silent (stale rules).
import type { Rule } from '../../lib/config/schema.ts';
import { autoResolveDue, escalationDue, isClosed, markClear, openIncident } from '#domain/incident.ts';
import { evaluateStale, sweepStale, type StaleRule } from '#domain/rules.ts';
import { inLocalWindow } from '#domain/time.ts';
import { ConflictError, type IncidentStore, type StoredIncident } from '#adapters/incident-store.ts';
import { applyIncidentAction, type KpiRecorder } from '#shared/incident-actions.ts';
import type { ProvinceRegistry } from '#shared/province.ts';
import { sendAlert, type AlertSender } from '#shared/rule-engine.ts';

/** An alert still pending this long after its change is retried by the sweep (the processor normally sends it). */
export const PENDING_ALERT_GRACE_MS = 60_000;

/** Ports of the sweep. */
export interface SweepDeps {
  readonly incidents: Pick<IncidentStore, 'active' | 'getState' | 'statesOf' | 'getIncident' | 'commit' | 'clearPendingAlert'>;
  readonly rules: () => Promise<readonly Rule[]>;
  readonly lastSeen: (source: string) => Promise<string | undefined>;
  readonly registry: ProvinceRegistry;
  readonly alerts: AlertSender;
  readonly kpis?: KpiRecorder;
  readonly log?: { warn(msg: string, extra: Record<string, unknown>): void };
}

/** What one sweep did. */
export interface SweepReport {
  escalated: number;
  autoResolved: number;
  alertsRetried: number;
  staleOpened: number;
  staleCleared: number;
  conflicts: number;
}

/** One sweep at `now`. Each incident and each (rule, source) is handled on its own: one failure does not stop the rest. */
export async function sweep(now: Date, deps: SweepDeps): Promise<SweepReport> {
  const at = now.toISOString();
  const report: SweepReport = { escalated: 0, autoResolved: 0, alertsRetried: 0, staleOpened: 0, staleCleared: 0, conflicts: 0 };
  const rules = new Map((await deps.rules()).map((r) => [r.id, r]));

  for (const incident of await deps.incidents.active()) {
    await guarded(deps, report, { incidentId: incident.id }, () => sweepIncident(incident, rules.get(incident.ruleId), at, deps, report));
  }
  for (const rule of rules.values()) {
    if (rule.kind !== 'stale' || !rule.enabled) continue;
    await guarded(deps, report, { ruleId: rule.id }, () => sweepStaleRule(rule, now, deps, report));
  }
  return report;
}

async function sweepIncident(incident: StoredIncident, rule: Rule | undefined, at: string, deps: SweepDeps, report: SweepReport) {
  if (incident.pendingAlert && Date.parse(at) - Date.parse(incident.pendingAlert.at) >= PENDING_ALERT_GRACE_MS) {
    await sendAlert(deps, incident, incident.pendingAlert);
    report.alertsRetried++;
  }
  if (!rule) return; // a rule deleted since: operators close its incidents by hand
  if (autoResolveDue(incident, rule, at)) {
    await applyIncidentAction(deps.incidents, incident, 'resolve', 'system', at, rule, 'Tự động đóng: điều kiện đã hết / auto-resolved: condition cleared', deps.kpis);
    report.autoResolved++;
  } else if (escalationDue(incident, rule, at)) {
    const { incident: next, alert } = await applyIncidentAction(deps.incidents, incident, 'escalate', 'system', at, rule);
    report.escalated++;
    if (alert) await sendAlert(deps, next, alert);
  }
}

async function sweepStaleRule(rule: StaleRule, now: Date, deps: SweepDeps, report: SweepReport) {
  const at = now.toISOString();
  const { registry } = deps;
  // A camera outside its active hours sends nothing on purpose: it is not watched then.
  const sleeping = new Set(registry.cameras.filter((c) => c.activeHours && !inLocalWindow(at, c.activeHours, registry.timezone)).map((c) => c.id));
  const sources = [...registry.sensors.map((s) => s.id), ...registry.cameras.map((c) => c.id)].filter((s) => !sleeping.has(s));
  const watched = rule.source ? (sleeping.has(rule.source) ? [] : [rule.source]) : sources;
  const since = new Date(Math.max(Date.parse(`${registry.pilot.start}T00:00:00Z`), 0)).toISOString();
  if (Date.parse(since) > now.getTime()) return; // the pilot has not started
  const lastSeen: Record<string, string | undefined> = {};
  await Promise.all(watched.map(async (s) => (lastSeen[s] = await deps.lastSeen(s))));
  const findings = new Map(evaluateStale(rule, lastSeen, at, watched, since).map((f) => [f.source, f]));
  const states = await deps.incidents.statesOf(rule.id);
  for (const source of watched) {
    const stored = states.get(source);
    if (!stored && !findings.has(source)) continue; // never silent, nothing to remember
    await guarded(deps, report, { ruleId: rule.id, source }, async () => {
      const { state, effect } = sweepStale(rule, stored, source, findings.get(source), at);
      if (state === stored) return;
      const zone = [...registry.sensors, ...registry.cameras].find((s) => s.id === source)?.zone;
      if (effect.type === 'open') {
        const t = openIncident({ id: effect.incidentId, rule, subject: source, zone, measure: 'silence_minutes', value: effect.value, at: effect.at });
        const alert = { event: 'opened' as const, at };
        await deps.incidents.commit({ state: { next: state, expectedVersion: stored?.version ?? 0 }, incident: { next: t.incident, expectedVersion: 0, pendingAlert: alert }, audits: [t.audit] });
        report.staleOpened++;
        await deps.kpis?.record({ type: 'opened', incident: t.incident }).catch(() => undefined);
        await sendAlert(deps, { ...t.incident, pendingAlert: alert }, alert);
      } else if (effect.type === 'clear') {
        const incident = await deps.incidents.getIncident(effect.incidentId);
        const cleared = incident && !isClosed(incident.status) ? markClear(incident, effect.at) : undefined;
        await deps.incidents.commit({
          state: { next: state, expectedVersion: stored?.version ?? 0 },
          incident: cleared && cleared !== incident ? { next: cleared, expectedVersion: incident!.version } : undefined,
        });
        report.staleCleared++;
      } else {
        await deps.incidents.commit({ state: { next: state, expectedVersion: stored?.version ?? 0 } });
      }
    });
  }
}

async function guarded(deps: SweepDeps, report: SweepReport, what: Record<string, string>, work: () => Promise<void>) {
  try {
    await work();
  } catch (e) {
    if (e instanceof ConflictError) report.conflicts++; // someone else changed it: the next sweep looks again
    deps.log?.warn('sweep step failed', { ...what, error: (e as Error).message });
  }
}
