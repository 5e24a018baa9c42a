// Lambda entry for the device authorizer (HTTP API, simple responses): a device's credential → its identity.
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { documentClient } from '#adapters/clients.ts';
import { DeviceRegistry } from '#adapters/registry-store.ts';
import { parseCredential, secretMatches } from '#shared/credentials.ts';
import { ENV } from '#shared/env-names.ts';
import { lazyHandler, requireEnv } from '#shared/env.ts';
import { logger } from '#shared/observability.ts';

/** What the authorizer hands the integration in `requestContext.authorizer.lambda`. */
export interface DeviceIdentity {
  deviceId: string;
  sourceType: string;
  kind: string;
  zone: string;
  unit: string;
}

type Result = APIGatewaySimpleAuthorizerWithContextResult<DeviceIdentity | Record<string, never>>;

/** Builds the authorizer around its registry port. */
export const makeHandler =
  (deps: { devices: Pick<DeviceRegistry, 'get'> }) =>
  async (event: APIGatewayRequestAuthorizerEventV2): Promise<Result> => {
    const header = event.headers?.authorization ?? event.identitySource?.[0];
    const presented = parseCredential(header);
    const deny: Result = { isAuthorized: false, context: {} };
    if (!presented) return deny;
    const device = await deps.devices.get(presented.deviceId);
    if (!device || device.status !== 'active' || !secretMatches(presented.secret, device.secretHash)) {
      logger.warn('device credential refused', { deviceId: presented.deviceId, known: Boolean(device), status: device?.status });
      return deny;
    }
    return {
      isAuthorized: true,
      context: { deviceId: device.id, sourceType: device.sourceType, kind: device.kind, zone: device.zone, unit: device.unit ?? '' },
    };
  };

/** The Lambda entry point. */
export const handler = lazyHandler(() =>
  makeHandler({ devices: new DeviceRegistry(documentClient(), requireEnv(ENV.registryTable)) }),
);
