// Ordering of the board and the test of who changed an incident: pure functions over the API's incidents.
import type { Incident } from './types.ts';

/** Severity rank, higher is more severe. */
export const SEVERITY_RANK: Readonly<Record<string, number>> = { low: 1, medium: 2, high: 3, critical: 4 };

/** Most severe first, then newest first. */
export const byUrgency = (a: Incident, b: Incident): number =>
  (SEVERITY_RANK[b.severity] ?? 0) - (SEVERITY_RANK[a.severity] ?? 0) || (a.openedAt < b.openedAt ? 1 : a.openedAt > b.openedAt ? -1 : 0);

/**
 * Whether a person (not the platform) changed the incident between `seen` and `current`: the platform bumps the
 * version with every observation, escalation or alert, but only people change the status or add notes.
 */
export const changedByPerson = (seen: Pick<Incident, 'status' | 'notes'>, current: Pick<Incident, 'status' | 'notes'>): boolean =>
  seen.status !== current.status || seen.notes.length !== current.notes.length;
