// The HTTP handlers wired to moto with a write spy, and fast-check arbitraries of hostile requests for the API fuzz tests.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import fc from 'fast-check';
import { makeHandler as makeOperatorApi } from '../../lambdas/operator-api/handler.ts';
import { OPERATOR_ROUTES, ROLES, routeKey, type RouteSpec } from '../../lambdas/operator-api/api-spec.ts';
import { parseGroups } from '../../lambdas/operator-api/router.ts';
import { CameraStateStore } from '../../lambdas/shared/adapters/camera-state.ts';
import { CameraStore } from '../../lambdas/shared/adapters/camera-store.ts';
import { ClipStore } from '../../lambdas/shared/adapters/clip-store.ts';
import { FrameStore } from '../../lambdas/shared/adapters/frame-store.ts';
import { IncidentStore } from '../../lambdas/shared/adapters/incident-store.ts';
import { KpiStore } from '../../lambdas/shared/adapters/kpi-store.ts';
import { ObservationStore } from '../../lambdas/shared/adapters/observation-store.ts';
import { DeviceRegistry } from '../../lambdas/shared/adapters/registry-store.ts';
import { RuleStore } from '../../lambdas/shared/adapters/rule-store.ts';
import { UsageCounter } from '../../lambdas/shared/adapters/usage-counter.ts';
import { openIncident } from '../../lambdas/shared/domain/incident.ts';
import { initialRuleState } from '../../lambdas/shared/domain/rules.ts';
import { motoClients } from './aws.ts';
import { httpEvent } from './events.ts';
import { createProvinceTables } from './operator-api.ts';
import { sampleRegistry } from './province.ts';
import { createBucket, visionS3 } from './vision.ts';

/** Command names that change data. */
const WRITES = new Set(['PutCommand', 'UpdateCommand', 'DeleteCommand', 'TransactWriteCommand', 'BatchWriteCommand', 'PutObjectCommand', 'PutRecordsCommand', 'PutRecordCommand']);

/** Wraps a client so every write it sends is counted (and still sent). */
export function spyWrites<T extends { send: (...args: any[]) => Promise<any> }>(client: T, counter: { writes: number; byCommand: Record<string, number> }): T {
  return new Proxy(client, {
    get: (target, prop, receiver) => {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return (command: { constructor: { name: string } }, ...rest: unknown[]) => {
        const name = command.constructor.name;
        if (WRITES.has(name)) {
          counter.writes++;
          counter.byCommand[name] = (counter.byCommand[name] ?? 0) + 1;
        }
        return target.send(command, ...rest);
      };
    },
  });
}

/** The operator API of da-nang (both modules) on fresh moto tables and a bucket, every store on a write-spied client. */
export async function spiedOperatorApi() {
  const tables = await createProvinceTables();
  const bucket = await createBucket();
  const spy = { writes: 0, byCommand: {} as Record<string, number> };
  const db = spyWrites(motoClients().db, spy);
  const usage = new UsageCounter(db, tables.registryTable);
  const api = makeOperatorApi({
    observations: new ObservationStore(db, tables.observationsTable, 90),
    devices: new DeviceRegistry(db, tables.registryTable),
    incidents: new IncidentStore(db, tables.incidentsTable),
    rules: new RuleStore(db, tables.registryTable, registry.rules, 0),
    registry,
    now: () => new Date('2026-11-25T16:00:00Z'),
    kpis: new KpiStore(db, tables.incidentsTable),
    usage,
    vision: {
      cameras: new CameraStore(db, tables.registryTable, registry.cameras, 0),
      state: new CameraStateStore(db, tables.registryTable),
      frames: new FrameStore(spyWrites(visionS3(), spy), bucket),
      usage,
      clips: new ClipStore(db, tables.registryTable),
      dailyCap: 1000,
    },
  });
  // One open crowd incident, so that reads and actions on an existing incident are fuzzed too.
  const rule = registry.rules.find((r) => r.id === 'crowd-bach-dang-night')!;
  const opened = openIncident({ id: SEEDED_INCIDENT, rule, subject: 'dn-bach-dang', zone: 'dn-bach-dang', measure: 'people_count', value: 20, at: '2026-11-25T15:35:20Z' });
  await new IncidentStore(motoClients().db, tables.incidentsTable).commit({
    state: { next: { ...initialRuleState(rule.id, 'dn-bach-dang'), streakCount: 3, openIncidentId: SEEDED_INCIDENT, version: 1 }, expectedVersion: 0 },
    incident: { next: opened.incident, expectedVersion: 0 },
    audits: [opened.audit],
  });
  return { api: (e: APIGatewayProxyEventV2) => api(e as never) as Promise<APIGatewayProxyStructuredResultV2>, spy, tables, registry, bucket };
}

/** Every operator route key (including those another function serves: the router answers them too). */
export const ROUTE_KEYS = OPERATOR_ROUTES.map(routeKey);

/** The role a set of JWT claims carries for the router, or undefined (no claims, or no operator group). */
export function roleOf(claims: Record<string, string> | undefined): (typeof ROLES)[number] | undefined {
  if (!claims) return undefined;
  const groups = parseGroups(claims['cognito:groups']);
  return [...ROLES].reverse().find((r) => groups.includes(r));
}

/** Whether the router must refuse the caller for this route (no token, forged or missing groups, too weak a role). */
export function refused(spec: RouteSpec | undefined, claims: Record<string, string> | undefined): boolean {
  const role = roleOf(claims);
  return !role || (spec !== undefined && ROLES.indexOf(role) < ROLES.indexOf(spec.minRole));
}

const huge = (n: number) => fc.constant(n).map((len) => 'x'.repeat(len));

/** Strings a client gets wrong: empty, spaces, unicode, injection-looking, control characters, long. */
export const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', 'null', 'undefined', '0', '-1', '1e309', 'NaN', '../../etc/passwd', "' OR 1=1 --", '<script>alert(1)</script>', '%00', '\u0000', '\uD800', 'Đà Nẵng', 'aq-dn-001', 'cam-dn-001', 'inc-0000000000000', 'crowd-bach-dang-night'),
  huge(5_000),
);

/** JWT claims: none, forged (groups that are not roles, tampered claims), or a real role. */
export const claimsArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  {
    weight: 3,
    arbitrary: fc.record({
      sub: nastyString,
      'cognito:username': nastyString,
      'cognito:groups': fc.oneof(
        nastyString,
        fc.constantFrom('[]', '[admins]', '[Operator]', '["operator "]', '[viewer guest]', 'ADMIN', '[supervisors]', 'operators', '["admin"', '{"admin":true}'),
      ),
      token_use: fc.constantFrom('access', 'id', 'refresh', ''),
    }),
  },
  { weight: 3, arbitrary: fc.constantFrom(...ROLES).map((g) => ({ sub: `sub-${g}`, 'cognito:username': `fuzz-${g}`, 'cognito:groups': `[${g}]`, token_use: 'access' })) },
);

const registry = sampleRegistry('da-nang');

/** An incident the fuzzed operator API starts with (id {@link SEEDED_INCIDENT}). */
export const SEEDED_INCIDENT = 'inc-00000000000aa';

/** Bodies the routes accept, or nearly (a version off, a rule changed): they reach the stores and their conditions. */
const plausibleBody = fc.oneof(
  fc.constantFrom('aq-dn-001', 'aq-dn-002', 'cam-dn-001', 'nope-404').map((id) => ({ id })),
  fc.record({ note: fc.oneof(fc.constant('Đã cử tổ tuần tra'), nastyString), expectedVersion: fc.integer({ min: 1, max: 4 }) }, { requiredKeys: [] }),
  fc.record({ rule: fc.constantFrom(...registry.rules), expectedVersion: fc.integer({ min: 0, max: 2 }) }).map((b) => ({ ...b, rule: { ...b.rule, enabled: !b.rule.enabled } })),
  fc.record({ camera: fc.constantFrom(...registry.cameras), expectedVersion: fc.integer({ min: 0, max: 2 }), interval: fc.integer({ min: -5, max: 4000 }) }).map((b) => ({
    camera: { ...b.camera, intervalSeconds: b.interval },
    expectedVersion: b.expectedVersion,
  })),
  fc.record({ cameraId: fc.constantFrom('cam-dn-001', 'cam-x'), key: fc.constantFrom('clips/cam-dn-001/a.mp4', 'x.avi', '') }),
);

/** A generated request body: a value sent as JSON, or raw text (maybe base64-encoded, as API Gateway marks it). */
export interface RequestBody {
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly base64?: boolean;
}

/** The `httpEvent` options of a generated body. */
export const bodyOptions = (b: RequestBody) => (b.rawBody !== undefined ? { rawBody: b.rawBody } : b.body !== undefined ? { body: b.body } : {});

/** Request bodies: none, random JSON, wrong types, invalid JSON text, huge, and plausible ones. */
export const bodyArb: fc.Arbitrary<RequestBody> = fc.oneof(
  { weight: 3, arbitrary: plausibleBody.map((body) => ({ body: body as unknown })) },
  fc.constant({ body: undefined as unknown }),
  fc.jsonValue({ maxDepth: 4 }).map((body) => ({ body: body as unknown })),
  fc.record({ rule: fc.jsonValue({ maxDepth: 3 }), expectedVersion: fc.oneof(fc.integer(), fc.string(), fc.constant(null)) }).map((body) => ({ body: body as unknown })),
  fc.record({ id: fc.oneof(nastyString, fc.integer()), note: fc.oneof(nastyString, fc.integer()), expectedVersion: fc.oneof(fc.integer({ min: -5, max: 5 }), nastyString) }, { requiredKeys: [] }).map((body) => ({ body: body as unknown })),
  nastyString.map((rawBody) => ({ rawBody })),
  fc.constantFrom(200_000, 1_000_000).map((n) => ({ rawBody: JSON.stringify({ note: 'x'.repeat(n) }) })),
  fc.jsonValue({ maxDepth: 2 }).map((v) => ({ rawBody: Buffer.from(JSON.stringify(v)).toString('base64'), base64: true })),
);

/** Query strings: plausible ones, known parameter names with bad values, and unknown ones. */
export const queryArb = fc.oneof(
  fc.constantFrom<Record<string, string>>(
    {},
    { source: 'aq-dn-001', from: '2026-11-25T00:00:00Z' },
    { zone: 'dn-bach-dang', limit: '5' },
    { status: 'open' },
    { rule: 'crowd-bach-dang-night', from: '2026-11-26T00:00:00Z', to: '2026-11-25T00:00:00Z' },
    { source: 'aq-dn-001', cursor: 'eyJzIjoiTyMyMDI2In0' },
  ),
  fc.dictionary(
  fc.oneof(fc.constantFrom('source', 'zone', 'from', 'to', 'limit', 'cursor', 'status', 'rule', 'day', 'days'), fc.string({ maxLength: 12 })),
  fc.oneof(nastyString, fc.constantFrom('2026-11-25T15:00:00Z', '2026-13-45', '-5', '0', '201', '1e3', 'open', 'bogus', 'eyJ6Ijp7fX0', 'W10=')),
  { maxKeys: 4 },
  ),
);

const roleAtLeast = (min: (typeof ROLES)[number]) =>
  fc.constantFrom(...ROLES.slice(ROLES.indexOf(min))).map((g) => ({ sub: `sub-${g}`, 'cognito:username': `fuzz-${g}`, 'cognito:groups': `[${g}]`, token_use: 'access' }));

/** A well-formed call by a caller allowed to make it (path, query and body fit the route, values vary): the 2xx/404/409 paths. */
const coherentRequestArb = fc.constantFrom(...OPERATOR_ROUTES).chain((spec) => {
  const key = routeKey(spec);
  const ids: Record<string, string[]> = {
    rules: registry.rules.map((r) => r.id),
    cameras: registry.cameras.map((c) => c.id),
    incidents: [SEEDED_INCIDENT, 'inc-0000000000zzz'],
    devices: ['aq-dn-001', 'cam-dn-002', 'unknown-dev'],
    sensors: registry.sensors.map((x) => x.id),
    clips: ['0123456789abcdef'],
  };
  const id = fc.constantFrom(...(ids[spec.path.split('/')[1]!] ?? ['x1']));
  const body =
    key === 'POST /devices'
      ? fc.constantFrom('aq-dn-002', 'cam-dn-001', 'not-in-config').map((x) => ({ id: x }))
      : key.startsWith('POST /incidents/')
        ? fc.record({ note: fc.constantFrom('Đã xử lý', ''), expectedVersion: fc.integer({ min: 1, max: 3 }) }, { requiredKeys: [] })
        : key === 'PUT /rules/{id}'
          ? fc.record({ rule: fc.constantFrom(...registry.rules), expectedVersion: fc.integer({ min: 0, max: 2 }), minPeople: fc.integer({ min: 1, max: 40 }) }).map((b) => ({
              rule: b.rule.kind === 'crowd' ? { ...b.rule, minPeople: b.minPeople } : b.rule,
              expectedVersion: b.expectedVersion,
            }))
          : key === 'PUT /cameras/{id}'
            ? fc.record({ camera: fc.constantFrom(...registry.cameras), expectedVersion: fc.integer({ min: 0, max: 2 }), interval: fc.integer({ min: 5, max: 60 }) }).map((b) => ({
                camera: { ...b.camera, intervalSeconds: b.interval },
                expectedVersion: b.expectedVersion,
              }))
            : fc.constant(undefined);
  return fc.record({
    routeKey: fc.constant(key),
    id,
    query: queryArb,
    body: body.map((b) => ({ body: b as unknown })),
    claims: roleAtLeast(spec.minRole),
  });
});

/** One hostile operator API request. */
export const hostileRequestArb = fc.record({
  routeKey: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...ROUTE_KEYS) }, { weight: 1, arbitrary: fc.tuple(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'), nastyString).map(([m, p]) => `${m} /${p}`) }),
  id: fc.oneof(nastyString, fc.constantFrom('aq-dn-001', 'cam-dn-001', 'crowd-bach-dang-night', 'pm25-unhealthy', SEEDED_INCIDENT, '0123456789abcdef')),
  query: queryArb,
  body: bodyArb,
  claims: claimsArb,
});

/** Operator API requests: hostile ones, and well-formed ones by allowed callers. */
export const operatorRequestArb = fc.oneof({ weight: 3, arbitrary: hostileRequestArb }, { weight: 1, arbitrary: coherentRequestArb });

/** A generated operator API request. */
export type OperatorRequest = {
  routeKey: string;
  id: string;
  query: Record<string, string>;
  body: RequestBody;
  claims?: Record<string, string> | undefined;
};

/** The HTTP API payload-2.0 event of a generated request. */
export function operatorEvent(r: OperatorRequest): APIGatewayProxyEventV2 {
  const hasId = r.routeKey.includes('{id}');
  const e = httpEvent(r.routeKey.includes(' /') ? r.routeKey : `GET /${r.routeKey}`, {
    pathParameters: hasId ? { id: r.id } : undefined,
    query: r.query,
    ...bodyOptions(r.body),
    ...(r.claims ? { claims: r.claims } : {}),
  });
  return { ...e, routeKey: r.routeKey, isBase64Encoded: r.body.base64 ?? false };
}

/** POST /events' per-event answer (207, and 400 when every event was refused): `{accepted, acceptedIds, rejected}`. */
const isIngestResult = (body: Record<string, unknown>) =>
  typeof body?.accepted === 'number' &&
  Array.isArray(body.rejected) &&
  body.rejected.length > 0 &&
  body.rejected.every((r: { index?: unknown; reason?: unknown }) => typeof r.index === 'number' && typeof r.reason === 'string' && r.reason.length > 0);

/**
 * A response must be a JSON body; an error a JSON body with `error` and `message`; never a 5xx. With
 * `ingestResult`, a 4xx may instead be POST /events' per-event answer naming each refused event and why.
 */
export function checkResponse(res: APIGatewayProxyStructuredResultV2, o: { ingestResult?: boolean } = {}): { status: number; body: Record<string, unknown> } {
  const status = res.statusCode ?? 200;
  if (status >= 500) throw new Error(`a ${status}: ${res.body}`);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(res.body ?? '') as Record<string, unknown>;
  } catch {
    throw new Error(`status ${status} without a JSON body: ${String(res.body).slice(0, 200)}`);
  }
  if (status >= 400 && (typeof body?.error !== 'string' || typeof body?.message !== 'string') && !(o.ingestResult && isIngestResult(body))) {
    throw new Error(`status ${status} without error and message: ${String(res.body).slice(0, 300)}`);
  }
  return { status, body };
}
