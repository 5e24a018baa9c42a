// The frame upload core: a camera asks for a short-lived presigned PUT for one new frame key of its own.
import { z } from 'zod';
import { FRAME_CONTENT_TYPES, MAX_FRAME_BYTES, frameKey, type FrameContentType, type FrameStore } from '#adapters/frame-store.ts';
import { utcInstant } from '#domain/observation.ts';
import { HttpError, validate } from '#shared/http.ts';
import type { Camera } from '../../lib/config/schema.ts';

/** How long a presigned upload URL is valid. */
export const FRAME_URL_SECONDS = 300;
/** How far a camera's clock may run ahead, and how old a frame may be when it is announced. */
export const MAX_CLOCK_SKEW_SECONDS = 300;
export const MAX_FRAME_AGE_SECONDS = 86_400;

/** Body of POST /cameras/{id}/frames. */
export const frameUploadBody = z.strictObject({
  contentType: z.enum(Object.keys(FRAME_CONTENT_TYPES) as [FrameContentType, ...FrameContentType[]]).describe('image/jpeg or image/png'),
  contentLength: z.int().min(1).max(MAX_FRAME_BYTES).describe(`exact size of the frame in bytes, at most ${MAX_FRAME_BYTES} (15 MiB)`),
  takenAt: utcInstant.optional().describe('when the frame was taken, ISO 8601; default: now'),
});
export type FrameUploadBody = z.infer<typeof frameUploadBody>;

/** The device identity the authorizer puts in the request context. */
export interface CameraIdentity {
  readonly deviceId?: string;
  readonly sourceType?: string;
}

/** Ports of the core. */
export interface RequestFrameUrlDeps {
  readonly frames: Pick<FrameStore, 'presignPut'>;
  readonly cameras: { find(id: string): Promise<Camera | undefined> };
  readonly now: () => Date;
}

/** What the camera receives: where and how to PUT the frame, and until when. */
export interface FrameUploadTicket {
  readonly url: string;
  readonly key: string;
  readonly method: 'PUT';
  readonly headers: { readonly 'content-type': string; readonly 'content-length': string };
  readonly expiresAt: string;
  readonly takenAt: string;
}

/**
 * A presigned PUT for a new frame of camera `cameraId`. Only that camera's own credential may ask (403 otherwise:
 * another device, a sensor); the key is chosen here, under the camera's prefix, with the frame's time in it; the
 * content type and exact length are signed, so the URL cannot write another key, type or size. The body is read
 * (`readBody`) only after the caller is known to be that camera.
 */
export async function requestFrameUrl(
  cameraId: string | undefined,
  identity: CameraIdentity | undefined,
  readBody: () => unknown,
  deps: RequestFrameUrlDeps,
): Promise<FrameUploadTicket> {
  if (!identity?.deviceId) throw new HttpError(401, 'unauthorized', 'A device credential is required');
  if (identity.sourceType !== 'camera' || identity.deviceId !== cameraId) {
    throw new HttpError(403, 'forbidden', 'A camera may only upload its own frames');
  }
  const camera = await deps.cameras.find(cameraId);
  if (!camera) throw new HttpError(404, 'not_found', `No camera ${cameraId} in the province config`);
  const body = validate(frameUploadBody, readBody());
  const now = deps.now();
  const takenAt = body.takenAt ? new Date(body.takenAt) : now;
  const skew = (takenAt.getTime() - now.getTime()) / 1000;
  if (skew > MAX_CLOCK_SKEW_SECONDS || skew < -MAX_FRAME_AGE_SECONDS) {
    throw new HttpError(400, 'bad_request', `Invalid request body: $.takenAt: within ${MAX_FRAME_AGE_SECONDS / 3600} h before and ${MAX_CLOCK_SKEW_SECONDS / 60} min after the server time (${now.toISOString()}); check the camera clock`, {
      problems: [{ path: '$.takenAt', message: 'a time close to now: check the camera clock (NTP)' }],
    });
  }
  const key = frameKey(camera.id, takenAt, FRAME_CONTENT_TYPES[body.contentType]);
  const { url, expiresAt } = await deps.frames.presignPut({ key, contentType: body.contentType, contentLength: body.contentLength, expiresIn: FRAME_URL_SECONDS, now });
  return {
    url,
    key,
    method: 'PUT',
    headers: { 'content-type': body.contentType, 'content-length': String(body.contentLength) },
    expiresAt,
    takenAt: takenAt.toISOString(),
  };
}
