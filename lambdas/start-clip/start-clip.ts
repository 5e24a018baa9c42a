// The clip start core: POST /clips reserves the clip's cost in the daily budget and starts Rekognition Video on it.
import { createHash } from 'node:crypto';
import type { ClipRecord, ClipStore } from '#adapters/clip-store.ts';
import type { FrameStore } from '#adapters/frame-store.ts';
import type { MetricCounterPort } from '#adapters/metric-counter.ts';
import { rekognitionFailure, type NotificationChannelSettings, type RekognitionAdapter } from '#adapters/rekognition.ts';
import { utcDay, type UsageCounter } from '#adapters/usage-counter.ts';
import { HttpError, json } from '#shared/http.ts';
import type { Camera } from '../../lib/config/schema.ts';
import { MAX_CLIP_SECONDS } from '../operator-api/api-spec.ts';
import type { RouteImpl } from '../operator-api/router.ts';
import { mp4DurationSeconds } from './mp4-duration.ts';

/**
 * Cap units per started minute of video: Rekognition Video costs about $0.10 a minute and DetectLabels $0.001 an
 * image, so one minute of clip weighs as much as 100 frames in the daily cap.
 */
export const CLIP_UNITS_PER_MINUTE = 100;

/**
 * Bitrate assumed when a clip's duration is known neither from the request nor from its MP4 header: 1 Mbit/s, below
 * what CCTV encoders use (1080p H.264 at 2–4 Mbit/s), so the duration and the reservation are overestimated, never
 * under; finish-clip gives back the difference.
 */
export const ASSUMED_MIN_BITRATE_BPS = 1_000_000;

/** Rekognition Video reads at most 10 GB from S3. */
export const MAX_CLIP_BYTES = 10 * 1024 ** 3;

/** A clip still STARTING this long after it was asked for was abandoned (a crash): it may be asked for again. */
export const STALE_START_SECONDS = 300;

/** Cap units for a clip of `seconds`: 100 per started minute, at least one minute. */
export const clipUnits = (seconds: number): number => Math.max(1, Math.ceil(seconds / 60)) * CLIP_UNITS_PER_MINUTE;

/** The clip id: the same camera and object always give the same id, so asking twice never pays twice. */
export const clipIdOf = (cameraId: string, key: string): string => createHash('sha256').update(`${cameraId}\n${key}`, 'utf8').digest('hex').slice(0, 16);

/** Ports of the core. */
export interface StartClipDeps {
  /** The bucket holding `clips/` (the frames bucket). */
  readonly bucket: string;
  readonly dailyCap: number;
  readonly channel: NotificationChannelSettings;
  readonly cameras: { find(id: string): Promise<Camera | undefined> };
  readonly clips: Pick<ClipStore, 'get' | 'claim' | 'move'>;
  readonly usage: Pick<UsageCounter, 'tryConsume' | 'adjust'>;
  readonly objects: Pick<FrameStore, 'head' | 'getRange'>;
  readonly rekognition: Pick<RekognitionAdapter, 'startLabelDetection'>;
  readonly metrics: MetricCounterPort;
  readonly log: { info(msg: string, extra: Record<string, unknown>): void; warn(msg: string, extra: Record<string, unknown>): void };
  readonly now: () => Date;
}

/** Metrics of the clip functions. */
export const CLIP_METRICS = {
  started: 'ClipAnalysesStarted',
  capped: 'ClipAnalysesCapped',
  succeeded: 'ClipAnalysesSucceeded',
  failed: 'ClipAnalysesFailed',
  observations: 'ClipObservations',
  ignored: 'ClipNotificationsIgnored',
} as const;

/** The route the start-clip function serves. */
export function startClipRoutes(deps: StartClipDeps): Record<string, RouteImpl> {
  return { 'POST /clips': async ({ body, caller }) => startClip(body, caller.username, deps) };
}

/**
 * Starts the analysis of `body.key` for `body.cameraId`:
 * 1. the camera exists and the object is there (404 otherwise); a clip already IN_PROGRESS or SUCCEEDED is returned
 *    as it is (200), so a repeated request neither starts a second job nor pays twice;
 * 2. the duration — from the request, else the MP4 header, else the size at {@link ASSUMED_MIN_BITRATE_BPS} — sets the
 *    reservation, {@link clipUnits}, taken atomically from the day's cap (429 and status CAPPED when it does not fit);
 * 3. StartLabelDetection (Person, the SNS channel and the role Rekognition assumes, JobTag = clip id,
 *    ClientRequestToken = clip id per attempt); a refused start gives the reservation back and records FAILED;
 * 4. 202 with the clip record (IN_PROGRESS, jobId). finish-clip reconciles the reservation with the real duration.
 */
export async function startClip(
  body: { cameraId: string; key: string; startedAt?: string; durationSeconds?: number },
  requestedBy: string,
  deps: StartClipDeps,
): Promise<unknown> {
  const camera = await deps.cameras.find(body.cameraId);
  if (!camera) throw new HttpError(404, 'not_found', `No camera ${body.cameraId}`, { problems: [{ path: '$.cameraId', message: 'a camera of the province' }] });
  const id = clipIdOf(camera.id, body.key);
  const now = deps.now();
  const existing = await deps.clips.get(id);
  if (existing && !mayStartAgain(existing, now)) return json(200, existing);

  const info = await deps.objects.head(body.key);
  if (!info) throw new HttpError(404, 'not_found', `No clip object ${body.key}`, { problems: [{ path: '$.key', message: 'an existing object' }] });
  if (info.size > MAX_CLIP_BYTES) throw new HttpError(400, 'bad_request', `Invalid request body: $.key: the clip is larger than 10 GB, Rekognition Video's limit`);
  const { seconds, source } = await clipDuration(body, info.size, (s, e) => deps.objects.getRange(body.key, s, e));
  if (seconds > MAX_CLIP_SECONDS) throw new HttpError(400, 'bad_request', `Invalid request body: the clip lasts ${Math.round(seconds)} s, over Rekognition Video's 6 hours`);

  const units = clipUnits(seconds);
  const day = utcDay(now);
  const attempt = (existing?.attempt ?? 0) + 1;
  const record: ClipRecord = {
    id,
    cameraId: camera.id,
    zone: camera.zone,
    key: body.key,
    status: 'STARTING',
    attempt,
    requestedBy,
    requestedAt: now.toISOString(),
    ...(body.startedAt ? { startedAt: body.startedAt } : {}),
    ...(info.lastModified ? { objectLastModified: info.lastModified.toISOString() } : {}),
    objectSize: info.size,
    estimatedSeconds: Math.round(seconds * 1000) / 1000,
    durationSource: source,
    reservedUnits: units,
    reservedOn: day,
    roi: camera.roi,
    minConfidence: camera.minConfidence,
  };
  if (!(await deps.clips.claim(record, existing))) return json(200, (await deps.clips.get(id)) ?? record); // a concurrent request won

  if (!(await deps.usage.tryConsume(day, units, deps.dailyCap, 'clip'))) {
    const reason = `the daily Rekognition cap (${deps.dailyCap} units) has no room for this clip (${units} units = ${units / CLIP_UNITS_PER_MINUTE} min)`;
    await deps.clips.move(id, attempt, 'STARTING', 'CAPPED', { reason, reservedUnits: 0 });
    deps.metrics.count(CLIP_METRICS.capped);
    deps.log.warn('clip refused by the daily cap', { id, units, cap: deps.dailyCap });
    const resetIn = Math.ceil((Date.parse(`${day}T00:00:00Z`) + 86_400_000 - now.getTime()) / 1000);
    return json(429, { error: 'daily_cap_reached', message: `Not started: ${reason}; ask again after 00:00 UTC`, clip: { ...record, status: 'CAPPED', reason, reservedUnits: 0 } }, { 'retry-after': String(resetIn) });
  }

  let jobId: string;
  try {
    jobId = await deps.rekognition.startLabelDetection({
      bucket: deps.bucket,
      key: body.key,
      minConfidence: camera.minConfidence,
      channel: deps.channel,
      jobTag: id,
      clientRequestToken: attempt === 1 ? id : `${id}-${attempt}`,
    });
  } catch (e) {
    const failure = rekognitionFailure(e);
    await deps.usage.adjust(day, -units, 'clip');
    await deps.clips.move(id, attempt, 'STARTING', 'FAILED', { reason: `start refused: ${failure.reason}`, reservedUnits: 0, completedAt: now.toISOString() });
    deps.metrics.count(CLIP_METRICS.failed);
    deps.log.warn('StartLabelDetection failed', { id, reason: failure.reason });
    if (failure.kind === 'rejected') {
      throw new HttpError(400, 'clip_rejected', `Rekognition cannot analyse this clip: ${failure.reason}`, { problems: [{ path: '$.key', message: failure.reason }] });
    }
    throw new HttpError(503, 'rekognition_unavailable', 'Rekognition did not start the analysis; try again in a minute');
  }
  await deps.clips.move(id, attempt, 'STARTING', 'IN_PROGRESS', { jobId });
  deps.metrics.count(CLIP_METRICS.started);
  deps.log.info('clip analysis started', { id, jobId, units, durationSource: source });
  return json(202, { ...record, status: 'IN_PROGRESS', jobId });
}

function mayStartAgain(clip: ClipRecord, now: Date): boolean {
  if (clip.status === 'FAILED' || clip.status === 'CAPPED') return true;
  return clip.status === 'STARTING' && now.getTime() - Date.parse(clip.requestedAt) > STALE_START_SECONDS * 1000;
}

async function clipDuration(
  body: { durationSeconds?: number },
  size: number,
  read: (start: number, end: number) => Promise<Uint8Array>,
): Promise<{ seconds: number; source: ClipRecord['durationSource'] }> {
  if (body.durationSeconds !== undefined) return { seconds: body.durationSeconds, source: 'request' };
  const fromHeader = await mp4DurationSeconds(size, read).catch(() => undefined);
  if (fromHeader !== undefined) return { seconds: fromHeader, source: 'mp4-header' };
  return { seconds: (size * 8) / ASSUMED_MIN_BITRATE_BPS, source: 'size-estimate' };
}
