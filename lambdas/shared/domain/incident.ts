// The incident state machine: pure transitions over a plain JSON incident, each returning the new incident and an audit entry.
import { SEVERITIES, type Rule } from '../../../lib/config/schema.ts';

/** Incident statuses; `resolved` and `dismissed` are final. */
export const INCIDENT_STATUSES = ['open', 'acknowledged', 'resolved', 'dismissed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
/** Severities, lowest first. */
export type Severity = (typeof SEVERITIES)[number];

/** The actor recorded for transitions the platform makes itself (open, escalate, auto-resolve). */
export const SYSTEM_ACTOR = 'system';

/** Status changes an operator or the system may make; anything else is a {@link TransitionError}. */
export const ALLOWED_TRANSITIONS: Readonly<Record<IncidentStatus, readonly IncidentStatus[]>> = {
  open: ['acknowledged', 'resolved', 'dismissed'],
  acknowledged: ['resolved', 'dismissed'],
  resolved: [],
  dismissed: [],
};

/** A note an operator attached to an incident. */
export interface IncidentNote {
  at: string;
  by: string;
  text: string;
}

/**
 * One incident per opening of a (rule, subject). Plain JSON; optional fields are absent (never `undefined`-valued),
 * so the item marshals to DynamoDB as is. `version` is bumped by every function here (optimistic concurrency).
 */
export interface Incident {
  id: string;
  ruleId: string;
  ruleKind: Rule['kind'];
  /** The zone (crowd rules) or the source id (threshold and stale rules). */
  subject: string;
  zone?: string;
  /** What was measured: the observation kind (`people_count`, `pm25`, ...) or `silence_minutes` for stale rules. */
  measure: string;
  /** The value's unit when it differs from the measure's usual one (a sensor's own unit). */
  unit?: string;
  /** Which direction is worse: `lower` for `<`/`<=` threshold rules (peak = lowest value), else `higher`. */
  worse: 'higher' | 'lower';
  severity: Severity;
  title: { vi: string; en: string };
  status: IncidentStatus;
  openedAt: string;
  lastSeenAt: string;
  /** The worst value seen (see `worse`). */
  peakValue: number;
  /** The most recent value seen. */
  lastValue: number;
  observationCount: number;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  resolvedAt?: string;
  resolvedBy?: string;
  dismissedAt?: string;
  dismissedBy?: string;
  /** Since when the condition has been false (absent while it holds). */
  clearSince?: string;
  escalatedAt?: string;
  /**
   * When operators were told (processing time; the opening observation may be older when the pipeline lags).
   * The acknowledgement clock starts here: nobody can acknowledge what they have not been shown.
   */
  raisedAt?: string;
  escalations: number;
  notes: IncidentNote[];
  version: number;
}

/** What an audit entry records. */
export type AuditAction = 'open' | 'acknowledge' | 'resolve' | 'dismiss' | 'escalate' | 'note';

/** One line of the audit trail (nhật ký thao tác). */
export interface AuditEntry {
  incidentId: string;
  at: string;
  /** `system` or the operator's user name. */
  actor: string;
  action: AuditAction;
  /** null for `open`. */
  fromStatus: IncidentStatus | null;
  toStatus: IncidentStatus;
  note?: string;
  fromSeverity?: Severity;
  toSeverity?: Severity;
}

/** A transition's outcome: persist `incident` (conditional on the previous version) and append `audit`. */
export interface Transition {
  readonly incident: Incident;
  readonly audit: AuditEntry;
}

/** A transition the state machine does not allow; the operator API answers it with HTTP 409. */
export class TransitionError extends Error {
  override readonly name = 'TransitionError';
  constructor(
    readonly incidentId: string,
    readonly from: IncidentStatus,
    readonly to: IncidentStatus,
    readonly action: AuditAction,
  ) {
    super(`incident ${incidentId}: cannot ${action} (${from} → ${to})`);
  }
}

/** Whether `status` is final (resolved or dismissed). */
export const isClosed = (status: IncidentStatus): boolean => status === 'resolved' || status === 'dismissed';

/** Whether the incident has been escalated at least once. */
export const isEscalated = (incident: Pick<Incident, 'escalations'>): boolean => incident.escalations > 0;

/** Parameters of {@link openIncident}. */
export interface OpenIncidentParams {
  /** From the rule effect (`incidentIdFor`). */
  readonly id: string;
  readonly rule: Rule;
  readonly subject: string;
  readonly zone?: string;
  readonly measure: string;
  readonly unit?: string;
  readonly value: number;
  readonly at: string;
}

/** A new open incident for an 'open' effect, version 1. */
export function openIncident(p: OpenIncidentParams): Transition {
  const at = iso(p.at);
  const incident: Incident = {
    id: p.id,
    ruleId: p.rule.id,
    ruleKind: p.rule.kind,
    subject: p.subject,
    ...(p.zone !== undefined && { zone: p.zone }),
    measure: p.measure,
    ...(p.unit !== undefined && { unit: p.unit }),
    worse: p.rule.kind === 'threshold' && (p.rule.op === '<' || p.rule.op === '<=') ? 'lower' : 'higher',
    severity: p.rule.severity,
    title: { vi: p.rule.title.vi.normalize('NFC'), en: p.rule.title.en },
    status: 'open',
    openedAt: at,
    lastSeenAt: at,
    peakValue: p.value,
    lastValue: p.value,
    observationCount: 1,
    escalations: 0,
    notes: [],
    version: 1,
  };
  return { incident, audit: { incidentId: p.id, at, actor: SYSTEM_ACTOR, action: 'open', fromStatus: null, toStatus: 'open' } };
}

/**
 * An 'update' effect: the condition still holds. Keeps the worst value as peak, the newest `lastSeenAt`/`lastValue`,
 * counts the observation and ends a clear spell that began before `at` (a late observation older than `clearSince`
 * does not). On a resolved or dismissed incident it changes nothing and returns the same object: the rule state is
 * then stale and the caller should apply `onIncidentClosed`. No audit entry: observations are stored on their own.
 */
export function recordObservation(incident: Incident, value: number, at: string): Incident {
  if (isClosed(incident.status)) return incident;
  const ts = iso(at);
  const newer = Date.parse(ts) >= Date.parse(incident.lastSeenAt);
  const worse = incident.worse === 'lower' ? value < incident.peakValue : value > incident.peakValue;
  const next: Incident = {
    ...incident,
    peakValue: worse ? value : incident.peakValue,
    lastSeenAt: newer ? ts : incident.lastSeenAt,
    lastValue: newer ? value : incident.lastValue,
    observationCount: incident.observationCount + 1,
    version: incident.version + 1,
  };
  if (next.clearSince !== undefined && Date.parse(ts) >= Date.parse(next.clearSince)) delete next.clearSince;
  return next;
}

/**
 * A 'clear' effect: the condition became false at `at`. Keeps an earlier `clearSince`; a closed incident is returned
 * unchanged (same object).
 */
export function markClear(incident: Incident, at: string): Incident {
  if (isClosed(incident.status)) return incident;
  const ts = iso(at);
  if (incident.clearSince !== undefined && Date.parse(incident.clearSince) <= Date.parse(ts)) return incident;
  return { ...incident, clearSince: ts, version: incident.version + 1 };
}

/** open → acknowledged by `actor`. */
export function acknowledge(incident: Incident, actor: string, at: string, note?: string): Transition {
  return move(incident, 'acknowledged', 'acknowledge', actor, at, note, { acknowledgedAt: iso(at), acknowledgedBy: actor });
}

/** open | acknowledged → resolved by `actor` (`system` for auto-resolve). */
export function resolve(incident: Incident, actor: string, at: string, note?: string): Transition {
  return move(incident, 'resolved', 'resolve', actor, at, note, { resolvedAt: iso(at), resolvedBy: actor });
}

/** open | acknowledged → dismissed (báo động giả) by `actor`. */
export function dismiss(incident: Incident, actor: string, at: string, note?: string): Transition {
  return move(incident, 'dismissed', 'dismiss', actor, at, note, { dismissedAt: iso(at), dismissedBy: actor });
}

/** Attach a note in any status (post-incident notes are allowed); the status does not change. */
export function addNote(incident: Incident, actor: string, at: string, text: string): Transition {
  const ts = iso(at);
  return {
    incident: { ...incident, notes: [...incident.notes, { at: ts, by: actor, text }], version: incident.version + 1 },
    audit: { incidentId: incident.id, at: ts, actor, action: 'note', fromStatus: incident.status, toStatus: incident.status, note: text },
  };
}

/**
 * Whether the sweep should resolve the incident at `now`: not closed, and its condition clear continuously for at
 * least `rule.autoResolveAfterMinutes`. Resolve it with `resolve(incident, SYSTEM_ACTOR, now)`.
 */
export function autoResolveDue(incident: Incident, rule: Pick<Rule, 'autoResolveAfterMinutes'>, now: string): boolean {
  if (isClosed(incident.status) || incident.clearSince === undefined) return false;
  return Date.parse(now) - Date.parse(incident.clearSince) >= rule.autoResolveAfterMinutes * 60_000;
}

/**
 * Whether the sweep should escalate the incident at `now`: still `open` (nobody acknowledged it) for at least
 * `rule.ackWithinMinutes` since it opened or since its last escalation. An incident already at critical keeps
 * escalating (and alerting) at that pace: severity stays critical, the counter grows.
 */
export function escalationDue(incident: Incident, rule: Pick<Rule, 'ackWithinMinutes'>, now: string): boolean {
  if (incident.status !== 'open') return false;
  const since = incident.escalatedAt ?? incident.raisedAt ?? incident.openedAt;
  return Date.parse(now) - Date.parse(since) >= rule.ackWithinMinutes * 60_000;
}

/** Escalate an open incident at `now`: severity one step up (capped at critical), counter + 1. */
export function escalate(incident: Incident, now: string): Transition {
  if (incident.status !== 'open') throw new TransitionError(incident.id, incident.status, incident.status, 'escalate');
  const at = iso(now);
  const severity = SEVERITIES[Math.min(SEVERITIES.indexOf(incident.severity) + 1, SEVERITIES.length - 1)]!;
  return {
    incident: { ...incident, severity, escalatedAt: at, escalations: incident.escalations + 1, version: incident.version + 1 },
    audit: {
      incidentId: incident.id,
      at,
      actor: SYSTEM_ACTOR,
      action: 'escalate',
      fromStatus: 'open',
      toStatus: 'open',
      fromSeverity: incident.severity,
      toSeverity: severity,
    },
  };
}

function move(
  incident: Incident,
  to: IncidentStatus,
  action: AuditAction,
  actor: string,
  at: string,
  note: string | undefined,
  fields: Partial<Incident>,
): Transition {
  if (!ALLOWED_TRANSITIONS[incident.status].includes(to)) throw new TransitionError(incident.id, incident.status, to, action);
  const ts = iso(at);
  const notes = note !== undefined && note !== '' ? [...incident.notes, { at: ts, by: actor, text: note }] : incident.notes;
  return {
    incident: { ...incident, ...fields, status: to, notes, version: incident.version + 1 },
    audit: {
      incidentId: incident.id,
      at: ts,
      actor,
      action,
      fromStatus: incident.status,
      toStatus: to,
      ...(note !== undefined && note !== '' && { note }),
    },
  };
}

const iso = (at: string): string => new Date(Date.parse(at)).toISOString();
