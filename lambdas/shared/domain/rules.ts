// Rule evaluation on the observation stream, per (rule, subject): pure functions over plain JSON state that return explicit effects.
import type { Rule } from '../../../lib/config/schema.ts';
import type { ProvinceRegistry } from '../province.ts';
import type { Observation } from './observation.ts';
import { inLocalWindow } from './time.ts';

/** A crowd rule: people counted in a zone. */
export type CrowdRule = Extract<Rule, { kind: 'crowd' }>;
/** A threshold rule: a sensor value compared with a limit. */
export type ThresholdRule = Extract<Rule, { kind: 'threshold' }>;
/** A stale rule: a source that has gone silent. */
export type StaleRule = Extract<Rule, { kind: 'stale' }>;
/** Rules evaluated per observation (stale rules are evaluated by the sweep). */
export type StreamRule = CrowdRule | ThresholdRule;

/**
 * A crowd count from one camera contributes to the zone sum only when its timestamp is within this many
 * milliseconds of the observation being judged (either side): counts older than that describe another moment.
 * Two minutes covers cameras sampling every 10-60 s plus edge-box jitter, and the adaptive sampling guard.
 */
export const CROWD_FRESHNESS_MS = 2 * 60_000;

/** How many recently seen observation ids a rule state remembers to ignore redelivery (bounded state size). */
export const RECENT_IDS_LIMIT = 20;

/** The incident subject a rule watches: the zone for crowd rules, the source id for threshold and stale rules. */
export interface RuleSubject {
  readonly ruleId: string;
  readonly subject: string;
  /** The zone the subject lies in, when known. */
  readonly zone?: string;
}

/** A camera's latest people count, kept in crowd rule state. */
export interface CameraCount {
  ts: string;
  value: number;
}

/**
 * Evaluation state of one (rule, subject), stored as one item and written back with a conditional write on `version`.
 * Plain JSON: ISO strings for instants, `null` for "none" (DynamoDB-safe: no `undefined`).
 */
export interface RuleState {
  ruleId: string;
  subject: string;
  /** Consecutive matching observations in the current streak (0: the condition is not holding). */
  streakCount: number;
  /** Timestamp of the first observation of the current streak. */
  streakStartTs: string | null;
  /** Newest observation timestamp judged in order; older ones are "late" and do not move the streak. */
  lastObservationTs: string | null;
  /**
   * Ids of the observations judged at exactly `lastObservationTs` (usually one). A long redelivered batch can push
   * them out of `recentIds`; kept here, a redelivered newest observation is still known as a duplicate.
   */
  lastObservationIds?: string[];
  /** Newest matching observation timestamp. */
  lastMatchTs: string | null;
  /** Newest non-matching observation timestamp. */
  lastClearTs: string | null;
  /** Crowd rules: each camera's latest count in the zone; `{}` for other rules. */
  latestBySource: Record<string, CameraCount>;
  /** No new incident opens before this instant (set when an incident closes). */
  cooldownUntil: string | null;
  /** The incident currently open for this (rule, subject), or null. */
  openIncidentId: string | null;
  /** The last {@link RECENT_IDS_LIMIT} observation ids judged, oldest first. */
  recentIds: string[];
  /** Bumped on every change; unchanged means "nothing to write". */
  version: number;
}

/** Why an evaluation had no effect (for logs and metrics). */
export type NoneReason =
  | 'disabled'
  | 'duplicate'
  | 'late'
  | 'no-match'
  | 'still-clear'
  | 'not-sustained'
  | 'cooldown'
  | 'still-silent'
  | 'back-online';

/** What the caller must do after an evaluation. */
export type RuleEffect =
  | { readonly type: 'none'; readonly reason: NoneReason }
  /** Open a new incident with this id (deterministic: redelivery yields the same id, so a conditional put dedupes). */
  | { readonly type: 'open'; readonly incidentId: string; readonly value: number; readonly at: string }
  /** The condition still holds while the incident is open: record the value (peak, last seen, count). */
  | { readonly type: 'update'; readonly incidentId: string; readonly value: number; readonly at: string }
  /** The condition became false while the incident is open: mark it clear (the sweep auto-resolves later). */
  | { readonly type: 'clear'; readonly incidentId: string; readonly at: string };

/** The new state and the effect of one evaluation. */
export interface RuleEvaluation {
  readonly state: RuleState;
  readonly effect: RuleEffect;
}

/** The storage key of a rule state: `<ruleId>#<subject>`. */
export const ruleStateKey = (ruleId: string, subject: string): string => `${ruleId}#${subject}`;

/** A fresh state for (rule, subject), version 0 (not yet stored). */
export function initialRuleState(ruleId: string, subject: string): RuleState {
  return {
    ruleId,
    subject,
    streakCount: 0,
    streakStartTs: null,
    lastObservationTs: null,
    lastMatchTs: null,
    lastClearTs: null,
    latestBySource: {},
    cooldownUntil: null,
    openIncidentId: null,
    recentIds: [],
    version: 0,
  };
}

/**
 * Which (rule, subject) pairs `observation` concerns under `rule` (none or one).
 * - crowd: a `people_count` observation in the rule's zone; subject = the zone.
 * - threshold: the observation's source is `rule.source`, or its kind is `rule.sensorKind`; and its zone is the rule's
 *   zone when the rule names one; subject = the source.
 * - stale: nothing (the sweep evaluates them); disabled rules: nothing.
 *
 * With a `registry`, the registry is authoritative: the source must be a registered camera (crowd) or sensor
 * (threshold), and its registered zone and kind are used instead of the envelope's; unregistered sources match nothing.
 */
export function subjectsFor(rule: Rule, observation: Observation, registry?: Pick<ProvinceRegistry, 'cameras' | 'sensors'>): RuleSubject[] {
  if (!rule.enabled || rule.kind === 'stale') return [];
  if (rule.kind === 'crowd') {
    let zone = observation.zone;
    if (registry) {
      const camera = registry.cameras.find((c) => c.id === observation.source);
      if (!camera) return [];
      zone = camera.zone;
    }
    if (observation.kind !== 'people_count' || zone !== rule.zone) return [];
    return [{ ruleId: rule.id, subject: rule.zone, zone }];
  }
  let zone = observation.zone;
  let kind = observation.kind;
  if (registry) {
    const sensor = registry.sensors.find((s) => s.id === observation.source);
    if (!sensor) return [];
    zone = sensor.zone;
    kind = sensor.kind;
  }
  const sourceMatches = rule.source !== undefined ? observation.source === rule.source : kind === rule.sensorKind;
  if (!sourceMatches || (rule.zone !== undefined && zone !== rule.zone)) return [];
  return [{ ruleId: rule.id, subject: observation.source, zone }];
}

/** The subject an observation is judged under for a stream rule: the rule's zone (crowd) or the source (threshold). */
export const subjectOf = (rule: StreamRule, observation: Observation): string =>
  rule.kind === 'crowd' ? rule.zone : observation.source;

/**
 * Judge one observation for (rule, subject) and return the new state and the effect. Pure: time comes from the
 * observation's `ts`; `timezone` is the province's (rule windows are local times).
 *
 * - Redelivery: an observation id among `recentIds` returns the state unchanged (same object) and effect none.
 * - Matching is judged at the observation's own `ts`: crowd = the zone sum (see {@link crowdValue}) >= minPeople,
 *   threshold = `value op rule.value`; and `ts` inside `rule.window` (local time; may cross midnight).
 * - Sustain: `observations: N` needs N consecutive matches, `minutes: M` needs the streak to have lasted M minutes
 *   (from the first match's ts to this one's); both when both are given; neither given means one match suffices.
 *   A non-matching observation resets the streak. Gaps between observations do not break a streak (cameras skip
 *   unchanged frames on purpose), only a non-matching observation does.
 * - Late (ts older than `lastObservationTs`): the streak, cooldown and clear state are left alone; if it matches
 *   while an incident is open it yields 'update' (it adds to the peak and count), otherwise none.
 * - An open incident absorbs matches as 'update'; the first non-match after a match yields 'clear'; further
 *   non-matches yield none until the condition holds again.
 * - Opening needs no open incident and `ts >= cooldownUntil`; the state then records the new incident's id.
 */
export function evaluate(rule: StreamRule, state: RuleState | undefined, observation: Observation, timezone: string): RuleEvaluation {
  const subject = subjectOf(rule, observation);
  const prev = state ?? initialRuleState(rule.id, subject);
  if (prev.ruleId !== rule.id || prev.subject !== subject) {
    throw new RangeError(`state of ${ruleStateKey(prev.ruleId, prev.subject)} given for ${ruleStateKey(rule.id, subject)}`);
  }
  if (!rule.enabled) return { state: prev, effect: { type: 'none', reason: 'disabled' } };
  const atLast = prev.lastObservationTs !== null && Date.parse(observation.ts) === Date.parse(prev.lastObservationTs);
  if (prev.recentIds.includes(observation.id) || (atLast && (prev.lastObservationIds ?? []).includes(observation.id))) {
    return { state: prev, effect: { type: 'none', reason: 'duplicate' } };
  }
  const lastObservationIds = atLast ? [...(prev.lastObservationIds ?? []), observation.id].slice(-RECENT_IDS_LIMIT) : [observation.id];

  const ms = Date.parse(observation.ts);
  const ts = iso(ms);
  const recentIds = [...prev.recentIds, observation.id].slice(-RECENT_IDS_LIMIT);
  const latestBySource = rule.kind === 'crowd' ? rememberCount(prev.latestBySource, observation.source, ts, observation.value) : prev.latestBySource;
  const value = rule.kind === 'crowd' ? crowdValue(latestBySource, observation.source, ts, observation.value) : observation.value;
  const matches = inLocalWindow(ts, rule.window, timezone) && (rule.kind === 'crowd' ? value >= rule.minPeople : compare(value, rule.op, rule.value));
  const base: RuleState = { ...prev, recentIds, latestBySource, version: prev.version + 1 };

  const late = prev.lastObservationTs !== null && ms < Date.parse(prev.lastObservationTs);
  if (late) {
    const effect: RuleEffect =
      matches && prev.openIncidentId !== null
        ? { type: 'update', incidentId: prev.openIncidentId, value, at: ts }
        : { type: 'none', reason: 'late' };
    return { state: base, effect };
  }

  if (!matches) {
    const wasHolding = prev.streakCount > 0;
    const next: RuleState = { ...base, streakCount: 0, streakStartTs: null, lastObservationTs: ts, lastObservationIds, lastClearTs: ts };
    if (prev.openIncidentId !== null && wasHolding) {
      return { state: next, effect: { type: 'clear', incidentId: prev.openIncidentId, at: ts } };
    }
    return { state: next, effect: { type: 'none', reason: prev.openIncidentId !== null ? 'still-clear' : 'no-match' } };
  }

  const streakCount = prev.streakCount + 1;
  const streakStartTs = prev.streakCount > 0 && prev.streakStartTs !== null ? prev.streakStartTs : ts;
  const next: RuleState = { ...base, streakCount, streakStartTs, lastObservationTs: ts, lastObservationIds, lastMatchTs: ts };
  if (prev.openIncidentId !== null) {
    return { state: next, effect: { type: 'update', incidentId: prev.openIncidentId, value, at: ts } };
  }
  if (!sustained(rule.sustain, streakCount, ms - Date.parse(streakStartTs))) {
    return { state: next, effect: { type: 'none', reason: 'not-sustained' } };
  }
  if (prev.cooldownUntil !== null && ms < Date.parse(prev.cooldownUntil)) {
    return { state: next, effect: { type: 'none', reason: 'cooldown' } };
  }
  const incidentId = incidentIdFor(rule.id, subject, observation.id);
  return { state: { ...next, openIncidentId: incidentId }, effect: { type: 'open', incidentId, value, at: ts } };
}

/**
 * The state after the open incident of (rule, subject) was resolved or dismissed at `closedAt`: no incident open, and
 * none opens before `closedAt + rule.cooldownMinutes`. The streak is kept: a condition still holding after the
 * cooldown opens a new incident on its next matching observation.
 */
export function onIncidentClosed(state: RuleState, closedAt: string, rule: Pick<Rule, 'cooldownMinutes'>): RuleState {
  return {
    ...state,
    openIncidentId: null,
    cooldownUntil: iso(Date.parse(closedAt) + rule.cooldownMinutes * 60_000),
    version: state.version + 1,
  };
}

/**
 * The zone's people count at `ts`: `value` for `source` itself plus every other camera's latest count whose
 * timestamp is within {@link CROWD_FRESHNESS_MS} of `ts`.
 */
export function crowdValue(latestBySource: Readonly<Record<string, CameraCount>>, source: string, ts: string, value: number): number {
  const at = Date.parse(ts);
  let sum = value;
  for (const [camera, count] of Object.entries(latestBySource)) {
    if (camera !== source && Math.abs(Date.parse(count.ts) - at) <= CROWD_FRESHNESS_MS) sum += count.value;
  }
  return sum;
}

/** `value op limit` for a threshold rule. */
export function compare(value: number, op: ThresholdRule['op'], limit: number): boolean {
  switch (op) {
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
  }
}

/** Whether a streak of `count` observations lasting `elapsedMs` satisfies `sustain` (both parts when both given). */
export function sustained(sustain: { observations?: number; minutes?: number }, count: number, elapsedMs: number): boolean {
  const byCount = count >= (sustain.observations ?? 1);
  const byTime = sustain.minutes === undefined || elapsedMs >= sustain.minutes * 60_000;
  return byCount && byTime;
}

/** A source silent for at least a stale rule's `afterMinutes`. */
export interface StaleFinding {
  readonly source: string;
  /** The source's last observation, or `since` when it was never seen. */
  readonly silentSince: string;
  /** Whole minutes of silence at `now`. */
  readonly silentMinutes: number;
  readonly neverSeen: boolean;
}

/**
 * Which sources a stale rule finds silent at `now`: no observation for `rule.afterMinutes` or more. A never-seen
 * source counts from `since` (the pilot or deployment start). A rule with `source` looks at that source only,
 * otherwise at every id in `sources`. Disabled rules find nothing. Sorted by source id.
 */
export function evaluateStale(
  rule: StaleRule,
  lastSeenBySource: Readonly<Record<string, string | undefined>>,
  now: string,
  sources: readonly string[],
  since: string,
): StaleFinding[] {
  if (!rule.enabled) return [];
  const nowMs = Date.parse(now);
  const watched = rule.source !== undefined ? [rule.source] : [...new Set(sources)].sort();
  const found: StaleFinding[] = [];
  for (const source of watched) {
    const lastSeen = lastSeenBySource[source];
    const from = lastSeen ?? since;
    const silentMs = nowMs - Date.parse(from);
    if (silentMs >= rule.afterMinutes * 60_000) {
      found.push({ source, silentSince: iso(Date.parse(from)), silentMinutes: Math.floor(silentMs / 60_000), neverSeen: lastSeen === undefined });
    }
  }
  return found;
}

/**
 * The sweep's step for one (stale rule, source), using the same state and effects as {@link evaluate}: "matching"
 * means silent. Silent with no open incident and outside cooldown opens (value = minutes of silence, at = now);
 * silent while open changes nothing; heard again while open yields 'clear' once (auto-resolve follows). The state's
 * version is bumped only when something changed, so an unchanged sweep needs no write.
 */
export function sweepStale(rule: StaleRule, state: RuleState | undefined, source: string, finding: StaleFinding | undefined, now: string): RuleEvaluation {
  const prev = state ?? initialRuleState(rule.id, source);
  const at = iso(Date.parse(now));
  if (!rule.enabled) return { state: prev, effect: { type: 'none', reason: 'disabled' } };
  if (finding === undefined) {
    if (prev.streakCount === 0) return { state: prev, effect: { type: 'none', reason: prev.openIncidentId ? 'still-clear' : 'back-online' } };
    const next: RuleState = { ...prev, streakCount: 0, streakStartTs: null, lastClearTs: at, version: prev.version + 1 };
    if (prev.openIncidentId === null) return { state: next, effect: { type: 'none', reason: 'back-online' } };
    return { state: next, effect: { type: 'clear', incidentId: prev.openIncidentId, at } };
  }
  const holding = prev.streakCount > 0;
  const next: RuleState = holding
    ? prev
    : { ...prev, streakCount: 1, streakStartTs: finding.silentSince, lastMatchTs: at, version: prev.version + 1 };
  if (prev.openIncidentId !== null) return { state: next, effect: { type: 'none', reason: 'still-silent' } };
  if (prev.cooldownUntil !== null && Date.parse(at) < Date.parse(prev.cooldownUntil)) {
    return { state: next, effect: { type: 'none', reason: 'cooldown' } };
  }
  const incidentId = incidentIdFor(rule.id, source, `${finding.silentSince}/${at}`);
  return {
    state: { ...next, openIncidentId: incidentId, version: prev.version + 1 },
    effect: { type: 'open', incidentId, value: finding.silentMinutes, at },
  };
}

/**
 * A short, URL-safe, deterministic incident id: `inc-` + 13 base-32 characters of a 64-bit FNV-1a hash of
 * (rule, subject, trigger). The trigger is the opening observation's id (or the sweep's instant for stale rules), so a
 * redelivered observation yields the same id and the incident's conditional put dedupes it.
 */
export function incidentIdFor(ruleId: string, subject: string, trigger: string): string {
  const bytes = new TextEncoder().encode(`${ruleId}\u0000${subject}\u0000${trigger}`);
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  const alphabet = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base 32: no i, l, o, u (read aloud over a radio)
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = alphabet[Number(h & 31n)] + out;
    h >>= 5n;
  }
  return `inc-${out}`;
}

function rememberCount(latest: Readonly<Record<string, CameraCount>>, source: string, ts: string, value: number): Record<string, CameraCount> {
  const mine = latest[source];
  const merged: Record<string, CameraCount> = { ...latest };
  if (!mine || Date.parse(mine.ts) <= Date.parse(ts)) merged[source] = { ts, value };
  // Drop counts too old to join any sum near the newest one, so cameras removed from the zone do not linger.
  const newest = Math.max(...Object.values(merged).map((c) => Date.parse(c.ts)));
  return Object.fromEntries(Object.entries(merged).filter(([, c]) => newest - Date.parse(c.ts) <= CROWD_FRESHNESS_MS));
}

const iso = (ms: number): string => new Date(ms).toISOString();
