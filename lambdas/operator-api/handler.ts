// Lambda entry for the operator API: one function, routes dispatched by API Gateway's routeKey.
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { documentClient } from '#adapters/clients.ts';
import { ObservationStore } from '#adapters/observation-store.ts';
import { DeviceRegistry } from '#adapters/registry-store.ts';
import { ENV } from '#shared/env-names.ts';
import { lazyHandler, requireEnv } from '#shared/env.ts';
import { logger } from '#shared/observability.ts';
import { bundledRegistry, type ProvinceRegistry } from '#shared/province.ts';
import { routesFor } from './api-spec.ts';
import { makeRouter } from './router.ts';
import { deviceRoutes } from './routes/devices.ts';
import { observationRoutes } from './routes/observations.ts';

/** Everything the operator API needs. */
export interface OperatorApiDeps {
  readonly observations: ObservationStore;
  readonly devices: DeviceRegistry;
  readonly registry: ProvinceRegistry;
  readonly modules: ReadonlyArray<'sensors' | 'crowd'>;
  readonly now: () => Date;
}

/** Builds the handler around its dependencies. */
export const makeHandler = (deps: OperatorApiDeps) => {
  const route = makeRouter(routesFor(deps.modules), { ...observationRoutes(deps), ...deviceRoutes(deps) }, logger);
  return async (event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyStructuredResultV2> => route(event);
};

/** The Lambda entry point. */
export const handler = lazyHandler(() => {
  const db = documentClient();
  const registry = bundledRegistry();
  return makeHandler({
    observations: new ObservationStore(db, requireEnv(ENV.observationsTable), 1),
    devices: new DeviceRegistry(db, requireEnv(ENV.registryTable)),
    registry,
    modules: registry.modules,
    now: () => new Date(),
  });
});
