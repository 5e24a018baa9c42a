// Camera routes: cameras in effect with their health, supervisors' edits (versioned), the latest frame, the day's usage.
import type { CameraState, CameraStateStore } from '#adapters/camera-state.ts';
import type { CameraStore, VersionedCamera } from '#adapters/camera-store.ts';
import type { FrameStore } from '#adapters/frame-store.ts';
import { ConflictError } from '#adapters/incident-store.ts';
import { utcDay, type UsageCounter } from '#adapters/usage-counter.ts';
import { polygonIssues } from '#domain/geometry.ts';
import { inLocalWindow } from '#domain/time.ts';
import { HttpError, badRequest, type Problem } from '#shared/http.ts';
import type { ProvinceRegistry } from '#shared/province.ts';
import type { Camera } from '../../../lib/config/schema.ts';
import type { RouteImpl } from '../router.ts';

/** A camera without a frame for this many analysis intervals, inside its active hours, is offline. */
export const OFFLINE_AFTER_INTERVALS = 3;
/** Lifetime of the latest-frame link. */
export const LATEST_FRAME_URL_SECONDS = 60;

/** Ports the camera routes use. */
export interface CameraRouteDeps {
  readonly cameras: Pick<CameraStore, 'all' | 'get' | 'put'>;
  readonly state: Pick<CameraStateStore, 'get' | 'all'>;
  readonly frames: Pick<FrameStore, 'presignGet'>;
  readonly usage: Pick<UsageCounter, 'get'>;
  /** REKOGNITION_DAILY_CAP. */
  readonly dailyCap: number;
  readonly registry: ProvinceRegistry;
  readonly now: () => Date;
}

/** A camera's health as the console shows it. */
export interface CameraHealth {
  readonly lastFrameAt: string | null;
  readonly lastAnalysedAt: string | null;
  readonly lastCount: number | null;
  readonly lastObservedAt: string | null;
  readonly lastObservedCount: number | null;
  readonly lastCarried: boolean;
  readonly rejectedCount: number;
  readonly lastRejected: CameraState['lastRejected'] | null;
  /** Inside its active hours now (always when it has none). */
  readonly activeNow: boolean;
  /** Active now and no frame for {@link OFFLINE_AFTER_INTERVALS} x its interval (or never). */
  readonly offline: boolean;
}

/** The health of `camera` from its state at `now`. */
export function cameraHealth(camera: Camera, state: CameraState | undefined, now: Date, timezone: string): CameraHealth {
  const activeNow = inLocalWindow(now, camera.activeHours, timezone);
  const silentFor = state?.lastFrameAt ? (now.getTime() - Date.parse(state.lastFrameAt)) / 1000 : Infinity;
  return {
    lastFrameAt: state?.lastFrameAt ?? null,
    lastAnalysedAt: state?.lastAnalysedAt ?? null,
    lastCount: state?.lastCount ?? null,
    lastObservedAt: state?.lastObservedAt ?? null,
    lastObservedCount: state?.lastObservedCount ?? null,
    lastCarried: state?.lastCarried ?? false,
    rejectedCount: state?.rejectedCount ?? 0,
    lastRejected: state?.lastRejected ?? null,
    activeNow,
    offline: activeNow && silentFor > OFFLINE_AFTER_INTERVALS * camera.intervalSeconds,
  };
}

/** Cross-reference problems of an edited camera against the province (as the config schema checks them). */
export function cameraProblems(camera: Camera, registry: ProvinceRegistry): Problem[] {
  const problems: Problem[] = [];
  const zones = registry.zones.map((z) => z.id);
  if (!zones.includes(camera.zone)) problems.push({ path: '$.camera.zone', message: `a zone id of the province (${zones.join(', ')})` });
  for (const issue of polygonIssues(camera.roi)) problems.push({ path: '$.camera.roi', message: issue });
  return problems;
}

/** The camera routes, keyed by routeKey. */
export function cameraRoutes(deps: CameraRouteDeps): Record<string, RouteImpl> {
  const withHealth = (v: VersionedCamera, state: CameraState | undefined) => ({
    ...v,
    health: cameraHealth(v.camera, state, deps.now(), deps.registry.timezone),
  });
  return {
    'GET /cameras': async () => {
      const [cameras, states] = await Promise.all([deps.cameras.all(true), deps.state.all()]);
      return { items: cameras.map((c) => withHealth(c, states.get(c.camera.id))) };
    },

    'GET /cameras/{id}': async ({ params }) => {
      const current = await deps.cameras.get(params.id!);
      if (!current) throw new HttpError(404, 'not_found', `No camera ${params.id}`);
      const state = await deps.state.get(params.id!);
      // Only reachable by operator groups (the router checks the role): frame links never leave them.
      const now = deps.now();
      const latestFrame = state?.lastAnalysedKey
        ? {
            key: state.lastAnalysedKey,
            url: await deps.frames.presignGet(state.lastAnalysedKey, LATEST_FRAME_URL_SECONDS, now),
            expiresAt: new Date(now.getTime() + LATEST_FRAME_URL_SECONDS * 1000).toISOString(),
            takenAt: state.lastAnalysedAt ?? null,
            count: state.lastCount ?? 0,
            boxes: state.lastBoxes ?? [],
            boxesTruncated: state.lastBoxesTruncated ?? false,
            confidence: state.lastConfidence ?? null,
          }
        : null;
      return { ...withHealth(current, state), latestFrame };
    },

    'PUT /cameras/{id}': async ({ params, body, caller }) => {
      if (body.camera.id !== params.id) throw badRequest([{ path: '$.camera.id', message: `the id in the path (${params.id})` }]);
      const problems = cameraProblems(body.camera, deps.registry);
      if (problems.length) throw badRequest(problems);
      const current = await deps.cameras.get(params.id!);
      if (!current) throw new HttpError(404, 'not_found', `No camera ${params.id} in the province config (cameras are added in the config)`);
      if (current.version !== body.expectedVersion) {
        throw new HttpError(409, 'conflict', `The camera is at version ${current.version}, you edited version ${body.expectedVersion}`, { current });
      }
      try {
        return await deps.cameras.put(body.camera, body.expectedVersion, caller.username, deps.now().toISOString());
      } catch (e) {
        if (e instanceof ConflictError) {
          throw new HttpError(409, 'conflict', 'Another supervisor changed this camera first', { current: (await deps.cameras.get(params.id!)) ?? null });
        }
        throw e;
      }
    },

    'GET /vision/usage': async ({ query }) => {
      const usage = await deps.usage.get(query.date ?? utcDay(deps.now()));
      return { ...usage, cap: deps.dailyCap, remaining: Math.max(0, deps.dailyCap - usage.calls) };
    },
  };
}
