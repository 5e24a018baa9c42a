// Incident routes: list, read with the audit trail, and the operator's acknowledge / resolve / dismiss with 409 on races.
import { ConflictError, type IncidentStore } from '#adapters/incident-store.ts';
import type { RuleStore } from '#adapters/rule-store.ts';
import { HttpError } from '#shared/http.ts';
import { TransitionError, applyIncidentAction, type KpiRecorder } from '#shared/incident-actions.ts';
import type { RouteImpl } from '../router.ts';

/** Ports the incident routes use. */
export interface IncidentRouteDeps {
  readonly incidents: Pick<IncidentStore, 'list' | 'getIncident' | 'audit' | 'getState' | 'commit'>;
  readonly rules: Pick<RuleStore, 'get'>;
  readonly now: () => Date;
  readonly kpis?: KpiRecorder;
}

const encode = (k: Record<string, unknown>) => Buffer.from(JSON.stringify(k), 'utf8').toString('base64url');
function decode(raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  try {
    const k = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (k && typeof k === 'object' && !Array.isArray(k) && Object.values(k).every((v) => typeof v === 'string')) return k as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new HttpError(400, 'bad_request', 'Invalid query parameter: cursor: not a cursor this API returned', {
    problems: [{ path: 'cursor', message: 'not a cursor this API returned' }],
  });
}

/** The incident routes, keyed by routeKey. */
export function incidentRoutes(deps: IncidentRouteDeps): Record<string, RouteImpl> {
  const act = (action: 'acknowledge' | 'resolve' | 'dismiss'): RouteImpl => async (input) => {
    // A write that loses a race with the system (a new observation, an alert marked sent) is retried on a fresh
    // read, as long as the status the operator acted on is still the status now. A race with another person (the
    // status changed) or a stale expectedVersion is the operator's 409, with the current state.
    for (let attempt = 1; ; attempt++) {
      try {
        return await actOnce(action, input);
      } catch (e) {
        if (!(e instanceof RetryableConflict)) throw e;
        const statusChanged = e.statusBefore !== (e.response.extra.current as { status?: string } | undefined)?.status;
        if (input.body.expectedVersion !== undefined || statusChanged || attempt >= 5) throw e.response;
      }
    }
  };
  const actOnce = async (action: 'acknowledge' | 'resolve' | 'dismiss', { params, body, caller }: Parameters<RouteImpl>[0]) => {
    const current = await deps.incidents.getIncident(params.id!);
    if (!current) throw new HttpError(404, 'not_found', `No incident ${params.id}`);
    if (body.expectedVersion !== undefined && body.expectedVersion !== current.version) {
      throw new HttpError(409, 'conflict', `The incident changed (version ${current.version}, you saw ${body.expectedVersion})`, { current });
    }
    try {
      const rule = (await deps.rules.get(current.ruleId))?.rule;
      const { incident } = await applyIncidentAction(deps.incidents, current, action, caller.username, deps.now().toISOString(), rule, body.note, deps.kpis);
      return { incident };
    } catch (e) {
      if (e instanceof TransitionError) {
        throw new HttpError(409, 'conflict', `Cannot ${action} an incident that is ${e.from}`, { current });
      }
      if (e instanceof ConflictError) {
        const latest = await deps.incidents.getIncident(current.id);
        throw new RetryableConflict(current.status, new HttpError(409, 'conflict', 'Another operator changed this incident first', { current: latest }));
      }
      throw e;
    }
  };
  return {
    'GET /incidents': async ({ query }) => {
      const page = await deps.incidents.list(
        { status: query.status, zone: query.zone, ruleId: query.rule, from: query.from, to: query.to },
        query.limit,
        decode(query.cursor),
      );
      return { items: page.items, next: page.next ? encode(page.next) : null };
    },
    'GET /incidents/{id}': async ({ params }) => {
      const incident = await deps.incidents.getIncident(params.id!);
      if (!incident) throw new HttpError(404, 'not_found', `No incident ${params.id}`);
      return { incident, audit: await deps.incidents.audit(incident.id) };
    },
    'POST /incidents/{id}/acknowledge': act('acknowledge'),
    'POST /incidents/{id}/resolve': act('resolve'),
    'POST /incidents/{id}/dismiss': act('dismiss'),
  };
}

/** A lost optimistic-concurrency race, with the 409 to answer if it is not retried. */
class RetryableConflict extends Error {
  constructor(
    readonly statusBefore: string,
    readonly response: HttpError,
  ) {
    super(response.message);
  }
}
