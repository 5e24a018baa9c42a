// The clip completion core: a Rekognition Video notification → per-second people counts on the stream → the clip record.
import { z } from 'zod';
import type { ClipRecord, ClipStore } from '#adapters/clip-store.ts';
import type { MetricCounterPort } from '#adapters/metric-counter.ts';
import type { RekognitionAdapter } from '#adapters/rekognition.ts';
import type { UsageCounter } from '#adapters/usage-counter.ts';
import type { Observation } from '#domain/observation.ts';
import { perSecondCounts } from '#domain/people-count.ts';
import { CLIP_METRICS, clipUnits } from '../start-clip/start-clip.ts';

/** Records per PutRecords call (the Kinesis limit). */
export const STREAM_CHUNK = 500;

/** The completion message Rekognition Video publishes to the clip topic. */
export const completionSchema = z.object({
  JobId: z.string().min(1),
  Status: z.string().min(1),
  API: z.string().min(1),
  JobTag: z.string().optional(),
  Timestamp: z.number().optional(),
  Video: z.object({ S3ObjectName: z.string(), S3Bucket: z.string() }).partial().optional(),
});
export type Completion = z.infer<typeof completionSchema>;

/** Ports of the core. */
export interface FinishClipDeps {
  readonly clips: Pick<ClipStore, 'get' | 'finish'>;
  readonly usage: Pick<UsageCounter, 'adjust'>;
  readonly rekognition: Pick<RekognitionAdapter, 'labelDetectionPages' | 'jobStatus'>;
  readonly stream: { put(o: Observation[]): Promise<Array<{ index: number; reason: string }>> };
  readonly metrics: MetricCounterPort;
  readonly log: { info(msg: string, extra: Record<string, unknown>): void; warn(msg: string, extra: Record<string, unknown>): void };
  readonly now: () => Date;
}

/** What a notification did. */
export type FinishOutcome = 'succeeded' | 'failed' | 'duplicate' | 'ignored';

/** The observation id of one second of a clip: the same on every redelivery. */
export const clipObservationId = (clipId: string, second: number) => `clip-${clipId}-${second}`;

/**
 * Handles one completion notification (the SNS message text).
 * - Not a label detection notification, or a job that is not the clip's current one: ignored (logged, counted).
 * - A clip already SUCCEEDED / FAILED: a redelivery, nothing to do.
 * - SUCCEEDED: every page of GetLabelDetection → per-second counts in the clip's ROI (as it was when asked for) →
 *   observations `clip-<id>-<second>` at clip start + second, put in chunks of 500 → the clip SUCCEEDED with its
 *   summary, and the budget reservation reconciled with the real duration. The clip start is the operator's
 *   `startedAt`, else the object's LastModified minus the video duration (a camera uploads a clip when it ends).
 * - FAILED / ERROR: the clip FAILED with Rekognition's status message; the reservation is given back.
 * Observations that Kinesis does not take throw, so the invocation is retried (same ids: no double counting).
 */
export async function finishClip(message: string, deps: FinishClipDeps): Promise<FinishOutcome> {
  const parsed = completionSchema.safeParse(safeJson(message));
  if (!parsed.success || parsed.data.API !== 'StartLabelDetection' || !parsed.data.JobTag) {
    deps.metrics.count(CLIP_METRICS.ignored);
    deps.log.warn('not a label detection completion, ignored', { message: message.slice(0, 500) });
    return 'ignored';
  }
  const done = parsed.data;
  const clip = await deps.clips.get(done.JobTag!);
  if (!clip || clip.jobId !== done.JobId) {
    deps.metrics.count(CLIP_METRICS.ignored);
    deps.log.warn('completion of an unknown clip or an earlier attempt, ignored', { jobTag: done.JobTag, jobId: done.JobId, current: clip?.jobId });
    return 'ignored';
  }
  if (clip.status === 'SUCCEEDED' || clip.status === 'FAILED') return 'duplicate';
  const now = deps.now().toISOString();

  if (done.Status !== 'SUCCEEDED') {
    const status = await deps.rekognition.jobStatus(done.JobId).catch(() => undefined);
    const reason = `Rekognition Video ${done.Status}${status?.message ? `: ${status.message}` : ''}`;
    if (await deps.clips.finish(clip.id, done.JobId, 'FAILED', { reason, completedAt: now })) {
      await deps.usage.adjust(clip.reservedOn, -clip.reservedUnits, 'clip');
      deps.metrics.count(CLIP_METRICS.failed);
      deps.log.warn('clip analysis failed', { id: clip.id, jobId: done.JobId, reason });
    }
    return 'failed';
  }

  const pages = await deps.rekognition.labelDetectionPages(done.JobId);
  const counts = perSecondCounts(pages, { roi: clip.roi, minConfidence: clip.minConfidence });
  const durationMillis = pages.find((p) => p.VideoMetadata?.DurationMillis !== undefined)?.VideoMetadata?.DurationMillis ?? null;
  const start = clipStart(clip, durationMillis);
  const observations: Observation[] = counts.map(({ second, count }) => ({
    v: 1,
    id: clipObservationId(clip.id, second),
    source: clip.cameraId,
    kind: 'people_count',
    zone: clip.zone,
    ts: new Date(start + second * 1000).toISOString(),
    value: count,
    data: { clipId: clip.id, clipKey: clip.key, second, carried: false },
  }));
  for (let i = 0; i < observations.length; i += STREAM_CHUNK) {
    const failed = await deps.stream.put(observations.slice(i, i + STREAM_CHUNK));
    if (failed.length > 0) throw new Error(`${failed.length} clip observations not put on the stream (${failed[0]!.reason}); retrying`);
  }
  const units = clipUnits((durationMillis ?? clip.estimatedSeconds * 1000) / 1000);
  const summary = { seconds: counts.length, maxCount: counts.reduce((m, c) => Math.max(m, c.count), 0), durationMillis, units };
  if (await deps.clips.finish(clip.id, done.JobId, 'SUCCEEDED', { summary, completedAt: now, clipStartedAt: new Date(start).toISOString() })) {
    await deps.usage.adjust(clip.reservedOn, units - clip.reservedUnits, 'clip');
    deps.metrics.count(CLIP_METRICS.succeeded);
    deps.metrics.count(CLIP_METRICS.observations, observations.length);
    deps.log.info('clip analysed', { id: clip.id, jobId: done.JobId, ...summary, pages: pages.length });
  }
  return 'succeeded';
}

/** When the clip's first frame was taken (epoch ms). */
function clipStart(clip: ClipRecord, durationMillis: number | null): number {
  if (clip.startedAt) return Date.parse(clip.startedAt);
  const end = clip.objectLastModified ? Date.parse(clip.objectLastModified) : Date.parse(clip.requestedAt);
  return end - (durationMillis ?? clip.estimatedSeconds * 1000);
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
