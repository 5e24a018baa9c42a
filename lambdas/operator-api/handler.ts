// Lambda entry for the operator API: one function, routes dispatched by API Gateway's routeKey.
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { CameraStateStore } from '#adapters/camera-state.ts';
import { CameraStore } from '#adapters/camera-store.ts';
import { ClipStore } from '#adapters/clip-store.ts';
import { documentClient, s3Client } from '#adapters/clients.ts';
import { FrameStore } from '#adapters/frame-store.ts';
import { IncidentStore } from '#adapters/incident-store.ts';
import { ObservationStore } from '#adapters/observation-store.ts';
import { DeviceRegistry } from '#adapters/registry-store.ts';
import { RuleStore } from '#adapters/rule-store.ts';
import { UsageCounter, parseDailyCap } from '#adapters/usage-counter.ts';
import { ENV } from '#shared/env-names.ts';
import { lazyHandler, requireEnv } from '#shared/env.ts';
import { HttpError } from '#shared/http.ts';
import { logger } from '#shared/observability.ts';
import { bundledRegistry, type ProvinceRegistry } from '#shared/province.ts';
import { functionOf, routeKey, routesFor, type RouteSpec } from './api-spec.ts';
import { openApiDocument } from './openapi.ts';
import { makeRouter, type RouteImpl } from './router.ts';
import { cameraRoutes, type CameraRouteDeps } from './routes/cameras.ts';
import { clipRoutes, type ClipRouteDeps } from './routes/clips.ts';
import { deviceRoutes } from './routes/devices.ts';
import { incidentRoutes } from './routes/incidents.ts';
import { observationRoutes } from './routes/observations.ts';
import { kpiRoutes } from './routes/kpis.ts';
import { KpiStore } from '#adapters/kpi-store.ts';
import { ruleRoutes } from './routes/rules.ts';

/** Everything the operator API needs. */
export interface OperatorApiDeps {
  readonly observations: ObservationStore;
  readonly devices: DeviceRegistry;
  readonly incidents: IncidentStore;
  readonly rules: RuleStore;
  readonly registry: ProvinceRegistry;
  readonly now: () => Date;
  /** KPI counters (written by incident actions, read by GET /kpis); absent: no incident counted yet. */
  readonly kpis?: KpiStore;
  /** Daily Rekognition usage (crowd module), read by GET /kpis. */
  readonly usage?: Pick<UsageCounter, 'range'>;
  /** The crowd module's stores (cameras, their state, frames, usage, clips); absent, its routes answer 503. */
  readonly vision?: Omit<CameraRouteDeps, 'registry' | 'now'> & ClipRouteDeps;
}

/** Routes of the crowd module when the handler was built without its stores (a test or local run of other modules). */
function visionUnavailable(specs: readonly RouteSpec[]): Record<string, RouteImpl> {
  const unavailable: RouteImpl = async () => {
    throw new HttpError(503, 'unavailable', 'The camera module is not wired in this deployment');
  };
  return Object.fromEntries(specs.filter((r) => r.module === 'crowd').map((r) => [routeKey(r), unavailable]));
}

/**
 * Answers for the routes another function serves (API Gateway never sends them here): after the router's role check,
 * so the answer to a caller is the same whatever function a route lives in.
 */
function servedElsewhere(specs: readonly RouteSpec[]): Record<string, RouteImpl> {
  return Object.fromEntries(
    specs
      .filter((r) => functionOf(r) !== 'operator-api')
      .map((r): [string, RouteImpl] => [
        routeKey(r),
        async () => {
          throw new HttpError(404, 'not_found', `${routeKey(r)} is served by the ${functionOf(r)} function`);
        },
      ]),
  );
}

/** The implementations of the operator-api function's routes, keyed by routeKey. */
export function operatorRouteImpls(deps: OperatorApiDeps): Record<string, RouteImpl> {
  const modules = deps.registry.modules;
  const specs = routesFor(modules, 'operator-api');
  const vision = deps.vision
    ? { ...cameraRoutes({ ...deps.vision, registry: deps.registry, now: deps.now }), ...clipRoutes(deps.vision) }
    : visionUnavailable(specs);
  const impls: Record<string, RouteImpl> = {
    ...observationRoutes(deps),
    ...deviceRoutes(deps),
    ...incidentRoutes(deps),
    ...ruleRoutes(deps),
    ...kpiRoutes({ ...deps, kpis: deps.kpis ?? { days: async () => [] } }),
    ...(modules.includes('crowd') ? vision : {}),
    'GET /openapi.json': async () => openApiDocument({ modules, title: `smartcity-pilot — ${deps.registry.name}` }),
  };
  return Object.fromEntries(specs.map((r) => [routeKey(r), impls[routeKey(r)]!]).filter(([, impl]) => impl));
}

/** Builds the handler around its dependencies. */
export const makeHandler = (deps: OperatorApiDeps) => {
  const routes = routesFor(deps.registry.modules);
  const route = makeRouter(routes, { ...operatorRouteImpls(deps), ...servedElsewhere(routes) }, logger);
  return async (event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyStructuredResultV2> => route(event);
};

/** The Lambda entry point. */
export const handler = lazyHandler(() => {
  const db = documentClient();
  const registry = bundledRegistry();
  const table = requireEnv(ENV.registryTable);
  const vision = registry.modules.includes('crowd')
    ? {
        cameras: new CameraStore(db, table, registry.cameras),
        state: new CameraStateStore(db, table),
        frames: new FrameStore(s3Client(), requireEnv(ENV.framesBucket)),
        usage: new UsageCounter(db, table),
        clips: new ClipStore(db, table),
        dailyCap: parseDailyCap(requireEnv(ENV.rekognitionDailyCap)),
      }
    : undefined;
  return makeHandler({
    observations: new ObservationStore(db, requireEnv(ENV.observationsTable), 1),
    devices: new DeviceRegistry(db, requireEnv(ENV.registryTable)),
    incidents: new IncidentStore(db, requireEnv(ENV.incidentsTable)),
    rules: new RuleStore(db, requireEnv(ENV.registryTable), registry.rules),
    registry,
    now: () => new Date(),
    kpis: new KpiStore(db, requireEnv(ENV.incidentsTable)),
    ...(vision ? { usage: vision.usage } : {}),
    ...(vision ? { vision } : {}),
  });
});

