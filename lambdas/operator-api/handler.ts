// Lambda entry for the operator API: one function, routes dispatched by API Gateway's routeKey.
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { documentClient } from '#adapters/clients.ts';
import { IncidentStore } from '#adapters/incident-store.ts';
import { ObservationStore } from '#adapters/observation-store.ts';
import { DeviceRegistry } from '#adapters/registry-store.ts';
import { RuleStore } from '#adapters/rule-store.ts';
import { ENV } from '#shared/env-names.ts';
import { lazyHandler, requireEnv } from '#shared/env.ts';
import { logger } from '#shared/observability.ts';
import { bundledRegistry, type ProvinceRegistry } from '#shared/province.ts';
import { routesFor } from './api-spec.ts';
import { openApiDocument } from './openapi.ts';
import { makeRouter } from './router.ts';
import { deviceRoutes } from './routes/devices.ts';
import { incidentRoutes } from './routes/incidents.ts';
import { observationRoutes } from './routes/observations.ts';
import { ruleRoutes } from './routes/rules.ts';

/** Everything the operator API needs. */
export interface OperatorApiDeps {
  readonly observations: ObservationStore;
  readonly devices: DeviceRegistry;
  readonly incidents: IncidentStore;
  readonly rules: RuleStore;
  readonly registry: ProvinceRegistry;
  readonly now: () => Date;
}

/** Builds the handler around its dependencies. */
export const makeHandler = (deps: OperatorApiDeps) => {
  const modules = deps.registry.modules;
  const route = makeRouter(
    routesFor(modules),
    {
      ...observationRoutes(deps),
      ...deviceRoutes(deps),
      ...incidentRoutes(deps),
      ...ruleRoutes(deps),
      'GET /openapi.json': async () => openApiDocument({ modules, title: `smartcity-pilot — ${deps.registry.name}` }),
    },
    logger,
  );
  return async (event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyStructuredResultV2> => route(event);
};

/** The Lambda entry point. */
export const handler = lazyHandler(() => {
  const db = documentClient();
  const registry = bundledRegistry();
  return makeHandler({
    observations: new ObservationStore(db, requireEnv(ENV.observationsTable), 1),
    devices: new DeviceRegistry(db, requireEnv(ENV.registryTable)),
    incidents: new IncidentStore(db, requireEnv(ENV.incidentsTable)),
    rules: new RuleStore(db, requireEnv(ENV.registryTable), registry.rules),
    registry,
    now: () => new Date(),
  });
});
