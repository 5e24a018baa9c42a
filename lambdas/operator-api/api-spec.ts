// The operator API's routes as data: method, path, who may call, the module that owns it and its zod schemas.
// The CDK construct creates exactly these routes, the handler implements exactly these, and the OpenAPI document is
// generated from them, so the three cannot drift apart.
import { z } from 'zod';
import type { ModuleName } from '../../lib/config/schema.ts';
import { utcInstant } from '../shared/domain/observation.ts';
import { INCIDENT_STATUSES } from '../shared/domain/incident.ts';
import { cameraSchema, ruleSchema } from '../../lib/config/schema.ts';

/** Operator roles, weakest first: each role may do everything the ones before it may. */
export const ROLES = ['operator', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The functions that serve operator routes: the router, and start-clip (it needs Rekognition and iam:PassRole). */
export const ROUTE_FUNCTIONS = ['operator-api', 'start-clip'] as const;
export type RouteFunction = (typeof ROUTE_FUNCTIONS)[number];

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
  /** The function that serves it (the CDK wires the route to it). @default 'operator-api' */
  readonly fn?: RouteFunction;
}

/** The function serving a route. */
export const functionOf = (r: Pick<RouteSpec, 'fn'>): RouteFunction => r.fn ?? 'operator-api';

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

/** Body of PUT /cameras/{id}. */
export const putCameraBody = z.strictObject({
  camera: cameraSchema,
  expectedVersion: z.int().min(0).describe('the version read with GET /cameras (0: never edited)'),
});

/** A clip analysis id: 16 hex digits derived from the camera and the object key. */
export const clipId = z.string().regex(/^[0-9a-f]{16}$/, 'a clip id (16 hex digits)');

/** Largest clip Rekognition Video analyses: 6 hours. */
export const MAX_CLIP_SECONDS = 6 * 3600;

/** Body of POST /clips. */
export const startClipBody = z
  .strictObject({
    cameraId: idParam.describe('the camera that recorded the clip'),
    key: z
      .string()
      .min(1)
      .max(1024)
      .regex(/\.(mp4|mov)$/i, 'an MP4 or MOV (H.264) object key')
      .describe('the clip object, under clips/<cameraId>/'),
    startedAt: utcInstant.optional().describe("when the clip's first frame was taken; default: the object's upload time minus the clip duration"),
    durationSeconds: z
      .number()
      .positive()
      .max(MAX_CLIP_SECONDS)
      .optional()
      .describe('clip length if known; default: read from the MP4 header, else estimated from the size'),
  })
  .refine((b) => b.key.startsWith(`clips/${b.cameraId}/`) && !b.key.includes('/../'), {
    message: 'a key under clips/<cameraId>/',
    path: ['key'],
  });

/** Query of GET /kpis. */
export const kpisQuery = z
  .strictObject({
    from: utcInstant.optional().describe('start of the evaluation period, ISO 8601; default: 30 days before `to`'),
    to: utcInstant.optional().describe('end of the period, ISO 8601; default: now'),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] });

/** Query of GET /vision/usage. */
export const usageQuery = z.strictObject({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'a UTC date "YYYY-MM-DD"')
    .optional()
    .describe('UTC day; default: today'),
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
  { method: 'GET', path: '/cameras', summary: 'Cameras in effect (config and edits) with their health', minRole: 'operator', module: 'crowd' },
  {
    method: 'GET',
    path: '/cameras/{id}',
    summary: 'One camera with its health and a 60-second link to its latest analysed frame with the boxes',
    minRole: 'operator',
    module: 'crowd',
    params: z.strictObject({ id: idParam }),
  },
  {
    method: 'PUT',
    path: '/cameras/{id}',
    summary: 'Edit a camera: ROI, interval, active hours, confidence, guards (supervisors)',
    minRole: 'supervisor',
    module: 'crowd',
    params: z.strictObject({ id: idParam }),
    body: putCameraBody,
  },
  {
    method: 'GET',
    path: '/vision/usage',
    summary: "A day's Rekognition usage against the cap and what each cost guard decided",
    minRole: 'operator',
    module: 'crowd',
    query: usageQuery,
  },
  {
    method: 'POST',
    path: '/clips',
    summary: 'Analyse a stored clip (MP4) with Rekognition Video: per-second people counts (counts against the daily cap)',
    minRole: 'operator',
    module: 'crowd',
    body: startClipBody,
    status: 202,
    fn: 'start-clip',
  },
  {
    method: 'GET',
    path: '/clips/{id}',
    summary: 'One clip analysis: status, job, summary or failure reason',
    minRole: 'operator',
    module: 'crowd',
    params: z.strictObject({ id: clipId }),
  },
  { method: 'GET', path: '/openapi.json', summary: 'This API as an OpenAPI 3.1 document', minRole: 'operator' },
  { method: 'GET', path: '/kpis', summary: 'Pilot KPIs of a period (incidents, response times, uptime, Rekognition, spend)', minRole: 'operator', query: kpisQuery },
];

/** `GET /sensors/{id}/latest` style key, as API Gateway puts it in `routeKey`. */
export const routeKey = (r: Pick<RouteSpec, 'method' | 'path'>) => `${r.method} ${r.path}`;

/** The routes that exist for a set of modules; with `fn`, only those that function serves. */
export const routesFor = (modules: readonly ModuleName[], fn?: RouteFunction) =>
  OPERATOR_ROUTES.filter((r) => (!r.module || modules.includes(r.module)) && (fn === undefined || functionOf(r) === fn));

/** Device routes of the crowd module (device authorizer, not JWT): served by request-frame-url. */
export const CAMERA_DEVICE_ROUTES = [{ method: 'POST', path: '/cameras/{id}/frames', fn: 'request-frame-url' }] as const;
