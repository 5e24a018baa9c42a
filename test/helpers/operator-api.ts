// Builds the operator API against fresh moto tables, plus a caller that speaks HTTP API payload 2.0.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { makeHandler } from '../../lambdas/operator-api/handler.ts';
import { IncidentStore } from '../../lambdas/shared/adapters/incident-store.ts';
import { ObservationStore } from '../../lambdas/shared/adapters/observation-store.ts';
import { DeviceRegistry } from '../../lambdas/shared/adapters/registry-store.ts';
import { RuleStore } from '../../lambdas/shared/adapters/rule-store.ts';
import type { ProvinceRegistry } from '../../lambdas/shared/province.ts';
import { createIncidentsTable, createTable, motoClients } from './aws.ts';
import { httpEvent } from './events.ts';
import { sampleRegistry } from './province.ts';

/** Tables and stores an operator API test may share with other handlers. */
export interface ProvinceTables {
  observationsTable: string;
  registryTable: string;
  incidentsTable: string;
}

/** Fresh tables in moto. */
export async function createProvinceTables(): Promise<ProvinceTables> {
  const [observationsTable, registryTable, incidentsTable] = await Promise.all([
    createTable('obs', 'expiresAt'),
    createTable('registry'),
    createIncidentsTable(),
  ]);
  return { observationsTable, registryTable, incidentsTable };
}

/** The operator API over `tables` (fresh ones by default) and a `call(routeKey, request)` helper returning parsed JSON. */
export async function motoOperatorApi(o: { registry?: ProvinceRegistry; tables?: ProvinceTables; now?: () => Date } = {}) {
  const { db } = motoClients();
  const tables = o.tables ?? (await createProvinceTables());
  const registry = o.registry ?? sampleRegistry('da-nang');
  const deps = {
    observations: new ObservationStore(db, tables.observationsTable, 90),
    devices: new DeviceRegistry(db, tables.registryTable),
    incidents: new IncidentStore(db, tables.incidentsTable),
    rules: new RuleStore(db, tables.registryTable, registry.rules, 0),
    registry,
    now: o.now ?? (() => new Date('2026-11-25T16:00:00Z')),
  };
  const api = makeHandler(deps);
  const raw = (routeKey: string, req: Parameters<typeof httpEvent>[1] = {}) =>
    api(httpEvent(routeKey, req) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer);
  const call = async (routeKey: string, req: Parameters<typeof httpEvent>[1] = {}) => {
    const res = await raw(routeKey, req);
    return { status: res.statusCode!, body: res.body ? JSON.parse(res.body) : undefined };
  };
  return { api, raw, call, deps, tables, registry };
}
