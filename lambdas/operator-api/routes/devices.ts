// Routes that issue and revoke device credentials (admins only): the secret is returned once and stored as a hash.
import { HttpError, json } from '#shared/http.ts';
import { issueCredential } from '#shared/credentials.ts';
import type { DeviceRegistry } from '#adapters/registry-store.ts';
import type { ProvinceRegistry } from '#shared/province.ts';
import { sensorUnit } from '../../../lib/config/schema.ts';
import type { RouteImpl } from '../router.ts';

/** Ports the device routes use. */
export interface DeviceRouteDeps {
  readonly devices: Pick<DeviceRegistry, 'put' | 'revoke'>;
  readonly registry: ProvinceRegistry;
  readonly now: () => Date;
}

/** The device credential routes, keyed by routeKey. */
export function deviceRoutes(deps: DeviceRouteDeps): Record<string, RouteImpl> {
  return {
    'POST /devices': async ({ body, caller }) => {
      const sensor = deps.registry.sensors.find((s) => s.id === body.id);
      const camera = deps.registry.cameras.find((c) => c.id === body.id);
      if (!sensor && !camera) {
        throw new HttpError(404, 'not_found', `No sensor or camera ${body.id} in the province config`, {
          problems: [{ path: '$.id', message: 'a sensor or camera id declared in the province config' }],
        });
      }
      const credential = issueCredential(body.id);
      const issuedAt = deps.now().toISOString();
      const device = sensor
        ? { id: sensor.id, sourceType: 'sensor' as const, kind: sensor.kind, zone: sensor.zone, unit: sensorUnit(sensor) }
        : { id: camera!.id, sourceType: 'camera' as const, kind: 'people_count', zone: camera!.zone, unit: 'people' };
      await deps.devices.put({ ...device, secretHash: credential.hash, status: 'active', issuedAt, issuedBy: caller.username });
      return json(201, {
        ...device,
        status: 'active',
        issuedAt,
        credential: credential.token,
        note: 'Store this credential on the device now: it is not shown again. Send it as "Authorization: Device <credential>".',
      });
    },

    'DELETE /devices/{id}/credential': async ({ params, caller }) => {
      const revoked = await deps.devices.revoke(params.id!, caller.username, deps.now().toISOString());
      if (!revoked) throw new HttpError(404, 'not_found', `No active credential for device ${params.id}`);
      return { id: params.id, status: 'revoked' };
    },
  };
}
