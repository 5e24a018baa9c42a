// The operator API's routes as data: method, path, who may call, the module that owns it and its zod schemas.
// The CDK construct creates exactly these routes, the handler implements exactly these, and the OpenAPI document is
// generated from them, so the three cannot drift apart.
import { z } from 'zod';
import type { ModuleName } from '../../lib/config/schema.ts';
import { utcInstant } from '../shared/domain/observation.ts';
import { INCIDENT_STATUSES } from '../shared/domain/incident.ts';
import { ruleSchema } from '../../lib/config/schema.ts';

/** Operator roles, weakest first: each role may do everything the ones before it may. */
export const ROLES = ['operator', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** One route of the operator API. */
export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly summary: string;
  /** The weakest role allowed to call it. */
  readonly minRole: Role;
  /** The module that must be on for the route to exist; absent: always. */
  readonly module?: ModuleName;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** Success status. @default 200 */
  readonly status?: number;
}

const idParam = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'an id (lower-case letters, digits, dashes)');

/** Query of GET /observations. */
export const observationsQuery = z
  .strictObject({
    source: idParam.optional().describe('a sensor or camera id (give source or zone)'),
    zone: idParam.optional().describe('a zone id (give source or zone)'),
    from: utcInstant.optional().describe('start, ISO 8601; default: 24 h before `to`'),
    to: utcInstant.optional().describe('end, ISO 8601; default: now'),
    limit: z.coerce.number().int().min(1).max(500).default(100).describe('items per page, 1-500'),
    cursor: z.string().max(4096).optional().describe('the `next` value of the previous page'),
  })
  .refine((q) => (q.source === undefined) !== (q.zone === undefined), {
    message: 'give exactly one of source or zone',
    path: ['source'],
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] });

/** Body of POST /devices. */
export const issueDeviceBody = z.strictObject({
  id: idParam.describe('a sensor or camera id declared in the province config'),
});

const incidentId = z.string().regex(/^inc-[0-9a-z]{13}$/, 'an incident id such as inc-0123456789abc');

/** Query of GET /incidents. */
export const incidentsQuery = z
  .strictObject({
    status: z.enum(INCIDENT_STATUSES).optional(),
    zone: idParam.optional(),
    rule: idParam.optional(),
    from: utcInstant.optional().describe('opened at or after, ISO 8601'),
    to: utcInstant.optional().describe('opened at or before, ISO 8601'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(2048).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] });

/** Body of POST /incidents/{id}/acknowledge|resolve|dismiss. */
export const incidentActionBody = z.strictObject({
  note: z.string().trim().max(2000).optional().describe('ghi chú: what was done or seen'),
  expectedVersion: z.int().min(1).optional().describe('the version the operator saw; a newer one answers 409'),
});

/** Body of PUT /rules/{id}. */
export const putRuleBody = z.strictObject({
  rule: ruleSchema,
  expectedVersion: z.int().min(0).describe('the version read with GET /rules (0: never edited)'),
});

const incidentParams = z.strictObject({ id: incidentId });
const action = (name: 'acknowledge' | 'resolve' | 'dismiss', summary: string): RouteSpec => ({
  method: 'POST',
  path: `/incidents/{id}/${name}`,
  summary,
  minRole: 'operator',
  params: incidentParams,
  body: incidentActionBody,
});

/** Every operator route (the issue-specific modules add theirs here). */
export const OPERATOR_ROUTES: readonly RouteSpec[] = [
  { method: 'GET', path: '/sensors', summary: 'List sensors with their credential state', minRole: 'operator', module: 'sensors' },
  {
    method: 'GET',
    path: '/sensors/{id}/latest',
    summary: 'Latest reading of a sensor',
    minRole: 'operator',
    module: 'sensors',
    params: z.strictObject({ id: idParam }),
  },
  {
    method: 'GET',
    path: '/observations',
    summary: 'Observations of a source or zone in a time range, newest first, paginated',
    minRole: 'operator',
    query: observationsQuery,
  },
  {
    method: 'POST',
    path: '/devices',
    summary: 'Issue (or rotate) a device credential; the secret is shown once',
    minRole: 'admin',
    body: issueDeviceBody,
    status: 201,
  },
  {
    method: 'DELETE',
    path: '/devices/{id}/credential',
    summary: "Revoke a device's credential",
    minRole: 'admin',
    params: z.strictObject({ id: idParam }),
  },
  { method: 'GET', path: '/incidents', summary: 'Incidents, newest first, filtered and paginated', minRole: 'operator', query: incidentsQuery },
  { method: 'GET', path: '/incidents/{id}', summary: 'One incident with its audit trail', minRole: 'operator', params: incidentParams },
  action('acknowledge', 'Acknowledge an open incident (tiếp nhận)'),
  action('resolve', 'Resolve an incident (đã xử lý)'),
  action('dismiss', 'Dismiss an incident as a false alarm (báo động giả)'),
  { method: 'GET', path: '/rules', summary: 'Rules in effect with their versions', minRole: 'operator' },
  {
    method: 'PUT',
    path: '/rules/{id}',
    summary: 'Create or replace a rule (supervisors)',
    minRole: 'supervisor',
    params: z.strictObject({ id: idParam }),
    body: putRuleBody,
  },
  { method: 'GET', path: '/zones', summary: 'Zones of the province', minRole: 'operator' },
  { method: 'GET', path: '/openapi.json', summary: 'This API as an OpenAPI 3.1 document', minRole: 'operator' },
];

/** `GET /sensors/{id}/latest` style key, as API Gateway puts it in `routeKey`. */
export const routeKey = (r: Pick<RouteSpec, 'method' | 'path'>) => `${r.method} ${r.path}`;

/** The routes that exist for a set of modules. */
export const routesFor = (modules: readonly ModuleName[]) => OPERATOR_ROUTES.filter((r) => !r.module || modules.includes(r.module));
