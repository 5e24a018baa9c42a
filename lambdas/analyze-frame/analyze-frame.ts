// The frame analyzer's core: one frame in S3 through the cost guards to a people count on the province stream.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { CameraStateStore } from '#adapters/camera-state.ts';
import type { FrameLedger } from '#adapters/frame-ledger.ts';
import { ObjectMissingError, decodeS3Key, parseFrameKey, type FrameKey, type FrameStore } from '#adapters/frame-store.ts';
import type { MetricCounterPort } from '#adapters/metric-counter.ts';
import type { OpsNotice } from '#adapters/ops-notifier.ts';
import { rekognitionFailure, type RekognitionAdapter } from '#adapters/rekognition.ts';
import { utcDay, type FrameOutcomeCounter, type UsageCounter } from '#adapters/usage-counter.ts';
import { frameSignature, gateDecision, type FrameSignature } from '#domain/frame-signature.ts';
import type { Observation } from '#domain/observation.ts';
import { countPeople, detectLabelsRequestFor, type PeopleCount } from '#domain/people-count.ts';
import { samplingDecision } from '#domain/sampling.ts';
import { formatLocal } from '#domain/time.ts';
import type { Camera, Rule } from '../../lib/config/schema.ts';

/** A frame as an S3 ObjectCreated notification names it (key already URL-decoded). */
export interface FrameRef {
  readonly bucket: string;
  readonly key: string;
  readonly size?: number;
  /** When S3 stored the object (the notification's eventTime). */
  readonly eventTime?: string;
}

/** What became of a frame. Only `analysed` cost a DetectLabels call. */
export type FrameOutcome =
  | 'analysed'
  | 'carried'
  | 'inactive-hours'
  | 'adaptive-skip'
  | 'too-soon'
  | 'capped'
  | 'rejected'
  | 'duplicate'
  | 'unknown-camera'
  | 'malformed-key';

/** The metric each outcome counts in (EMF, count per invocation). */
export const OUTCOME_METRICS: Readonly<Record<FrameOutcome, string>> = {
  analysed: 'FramesAnalysed',
  carried: 'FramesCarried',
  'inactive-hours': 'FramesSkippedInactiveHours',
  'adaptive-skip': 'FramesSkippedAdaptive',
  'too-soon': 'FramesSkippedTooSoon',
  capped: 'FramesCapped',
  rejected: 'FramesRejected',
  duplicate: 'FramesDuplicate',
  'unknown-camera': 'FramesUnknownCamera',
  'malformed-key': 'FramesMalformedKey',
};

const OUTCOME_COUNTERS: Readonly<Record<FrameOutcome, FrameOutcomeCounter>> = {
  analysed: 'analysed',
  carried: 'carried',
  'inactive-hours': 'inactiveHours',
  'adaptive-skip': 'adaptiveSkip',
  'too-soon': 'tooSoon',
  capped: 'capped',
  rejected: 'rejected',
  duplicate: 'duplicate',
  'unknown-camera': 'ignored',
  'malformed-key': 'ignored',
};

/** Other metrics of the analyzer. */
export const ANALYZER_METRICS = {
  received: 'FramesReceived',
  /** A frame that will be retried (throttling, 5xx, stream unavailable): SQS redelivers it, then the DLQ keeps it. */
  failed: 'FramesFailed',
  /** An SQS message that is not an S3 notification: retried, then kept in the DLQ. */
  invalidMessages: 'FrameMessagesInvalid',
  capReached: 'RekognitionCapReached',
} as const;

/** Ports of the analyzer. */
export interface AnalyzeFrameDeps {
  /** The frames bucket: notifications of any other bucket are ignored. */
  readonly bucket: string;
  readonly provinceCode: string;
  readonly timezone: string;
  /** Cap units (DetectLabels images) per UTC day, frames and clips together. */
  readonly dailyCap: number;
  readonly gate: { readonly threshold: number; readonly maxAgeSeconds: number };
  /** The camera in effect (config + edits), cached. */
  readonly cameras: { find(id: string): Promise<Camera | undefined> };
  /** `minPeople` of the enabled crowd rules of a zone. */
  readonly zoneThresholds: (zone: string) => Promise<number[]>;
  readonly state: Pick<CameraStateStore, 'get' | 'recordFrame' | 'recordAnalysis' | 'recordCarried' | 'recordRejected'>;
  readonly ledger: Pick<FrameLedger, 'get' | 'create' | 'analysed' | 'rejected'>;
  readonly usage: Pick<UsageCounter, 'tryConsume' | 'adjust' | 'count' | 'claimCapNotice' | 'releaseCapNotice'>;
  readonly frames: Pick<FrameStore, 'getBytes'>;
  readonly rekognition: Pick<RekognitionAdapter, 'detectLabels'>;
  readonly stream: { put(o: Observation[]): Promise<Array<{ index: number; reason: string }>> };
  readonly notices: { publish(n: OpsNotice): Promise<unknown> };
  readonly metrics: MetricCounterPort;
  readonly log: {
    /** Per-frame decisions: debug, to keep log ingestion small at one frame every few seconds per camera. */
    debug(msg: string, extra: Record<string, unknown>): void;
    info(msg: string, extra: Record<string, unknown>): void;
    warn(msg: string, extra: Record<string, unknown>): void;
    error(msg: string, extra: Record<string, unknown>): void;
  };
  readonly now: () => Date;
}

/** The result for one frame. */
export interface FrameResult {
  readonly outcome: FrameOutcome;
  readonly observation?: Observation;
}

/** A frame that must be tried again (the message goes back to the queue). */
export class FrameRetryError extends Error {
  override readonly name = 'FrameRetryError';
}

/** An SQS message that is not an S3 notification: reported as a batch item failure, so it ends in the DLQ. */
export class InvalidFrameMessageError extends Error {
  override readonly name = 'InvalidFrameMessageError';
}

/** The deterministic observation id of a frame: every delivery of a frame yields the same id. */
export const frameObservationId = (key: string): string => `frame-${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 16)}`;

/** `minPeople` of the enabled crowd rules watching `zone`. */
export const crowdThresholds = (rules: readonly Rule[], zone: string): number[] =>
  rules.flatMap((r) => (r.kind === 'crowd' && r.enabled && r.zone === zone ? [r.minPeople] : []));

const s3Notification = z.object({
  Records: z.array(
    z.object({
      eventName: z.string(),
      eventTime: z.string().optional(),
      s3: z.object({
        bucket: z.object({ name: z.string().min(1) }),
        object: z.object({ key: z.string().min(1), size: z.number().optional() }),
      }),
    }),
  ),
});

/**
 * The frames an SQS message body names: an S3 event notification (or one wrapped in an SNS envelope), every
 * `ObjectCreated:*` record, keys URL-decoded. The `s3:TestEvent` S3 sends when notifications are set up names none.
 * @throws InvalidFrameMessageError when the body is not an S3 notification.
 */
export function framesOfMessage(body: string): FrameRef[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    throw new InvalidFrameMessageError(`message body is not JSON: ${(e as Error).message}`);
  }
  const envelope = json as { Type?: unknown; Message?: unknown; Event?: unknown };
  if (envelope?.Type === 'Notification' && typeof envelope.Message === 'string') return framesOfMessage(envelope.Message);
  if (envelope?.Event === 's3:TestEvent') return [];
  const parsed = s3Notification.safeParse(json);
  if (!parsed.success) {
    throw new InvalidFrameMessageError(`not an S3 notification: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data.Records.filter((r) => r.eventName.startsWith('ObjectCreated:')).map((r) => ({
    bucket: r.s3.bucket.name,
    key: decodeS3Key(r.s3.object.key),
    ...(r.s3.object.size !== undefined ? { size: r.s3.object.size } : {}),
    ...(r.eventTime ? { eventTime: new Date(r.eventTime).toISOString() } : {}),
  }));
}

/**
 * Analyses one frame. In order, each step able to end it:
 * 1. the key names a configured camera (else `malformed-key` / `unknown-camera`, never retried); its health is
 *    recorded (last frame received);
 * 2. a frame that already reached Rekognition (the ledger) is a redelivery: an analysed one re-emits the same
 *    observation, a pending one (its call failed) is called again without taking another cap unit;
 * 3. active hours and adaptive sampling (`samplingDecision`, at the frame's time);
 * 4. change gating: the frame's signature against the last *analysed* frame's; unchanged → the last count carried;
 * 5. the daily cap (one atomic unit per call; the first refusal of the day sends one notice);
 * 6. DetectLabels on the S3 object → people in the camera's ROI → observation on the stream → camera state.
 * Rekognition rejecting the image records it as rejected; throttling and 5xx throw {@link FrameRetryError}.
 */
export async function analyzeFrame(frame: FrameRef, deps: AnalyzeFrameDeps): Promise<FrameResult> {
  const now = deps.now();
  const nowIso = now.toISOString();
  const day = utcDay(now);
  const end = async (outcome: FrameOutcome, observation?: Observation, extra: Record<string, unknown> = {}): Promise<FrameResult> => {
    deps.metrics.count(OUTCOME_METRICS[outcome]);
    await deps.usage.count(day, OUTCOME_COUNTERS[outcome], parsed?.cameraId);
    deps.log.debug('frame decided', { key: frame.key, outcome, ...(observation ? { count: observation.value } : {}), ...extra });
    return observation ? { outcome, observation } : { outcome };
  };

  const parsed = frame.bucket === deps.bucket ? parseFrameKey(frame.key) : undefined;
  if (!parsed) {
    deps.log.warn('not a frame of this province, ignored', { bucket: frame.bucket, key: frame.key });
    return end('malformed-key');
  }
  const camera = await deps.cameras.find(parsed.cameraId);
  if (!camera) {
    deps.log.warn('frame of an unknown camera, ignored', { key: frame.key, cameraId: parsed.cameraId });
    return end('unknown-camera');
  }
  const { cameraId, takenAt } = parsed;
  await deps.state.recordFrame(cameraId, { key: frame.key, takenAt, receivedAt: nowIso });

  const entry = await deps.ledger.get(cameraId, frame.key);
  if (entry?.status === 'analysed' && entry.result) {
    const observation = analysedObservation(camera, parsed, frame.key, entry.result);
    await emit(observation, deps);
    await deps.state.recordAnalysis(cameraId, { key: frame.key, takenAt, signature: entry.signature ?? null, ...entry.result });
    return end('duplicate', observation, { replayed: true });
  }
  if (entry && entry.status !== 'pending') return end('duplicate', undefined, { ledger: entry.status });

  let signature: FrameSignature | null = entry?.signature ?? null;
  if (!entry) {
    const state = await deps.state.get(cameraId);
    const sampling = samplingDecision({
      now: takenAt,
      camera,
      lastAnalysedAt: state?.lastAnalysedAt,
      lastCount: state?.lastCount,
      zoneThresholds: await deps.zoneThresholds(camera.zone),
      timezone: deps.timezone,
    });
    if (!sampling.analyse) {
      return end(sampling.reason as 'inactive-hours' | 'adaptive-skip' | 'too-soon', undefined, {
        nextDueInSeconds: sampling.nextDueInSeconds,
        multiplier: sampling.multiplier,
      });
    }

    if (camera.guards.changeGating) {
      let bytes: Uint8Array;
      try {
        bytes = await deps.frames.getBytes(frame.key);
      } catch (e) {
        if (e instanceof ObjectMissingError) return reject(cameraId, frame.key, 'the object no longer exists', deps, end);
        throw e;
      }
      signature = frameSignature(bytes);
      const gate = gateDecision({
        now: takenAt,
        current: signature,
        last: state?.lastAnalysedAt
          ? { signature: state.signature ?? null, analysedAt: state.lastAnalysedAt, count: state.lastCount ?? 0 }
          : undefined,
        threshold: deps.gate.threshold,
        maxAgeSeconds: deps.gate.maxAgeSeconds,
      });
      if (!gate.analyse) {
        const observation = carriedObservation(camera, parsed, frame.key, gate.carriedCount, state?.lastAnalysedKey, gate.distance);
        await emit(observation, deps);
        await deps.state.recordCarried(cameraId, { takenAt, count: gate.carriedCount });
        return end('carried', observation, { distance: round(gate.distance, 5) });
      }
    }

    if (!(await deps.usage.tryConsume(day, 1, deps.dailyCap))) {
      await deps.ledger.create(cameraId, frame.key, 'capped', nowIso, signature);
      await noticeCapReached(day, now, deps);
      return end('capped');
    }
    if (!(await deps.ledger.create(cameraId, frame.key, 'pending', nowIso, signature))) {
      // Another delivery of the same frame claimed it between our read and our write: give the unit back.
      await deps.usage.adjust(day, -1);
      return end('duplicate', undefined, { race: true });
    }
  }

  let result: PeopleCount;
  try {
    const response = await deps.rekognition.detectLabels(detectLabelsRequestFor(deps.bucket, frame.key, camera.minConfidence));
    result = countPeople(response, camera.roi, camera.minConfidence);
  } catch (e) {
    const failure = rekognitionFailure(e);
    if (failure.kind === 'rejected') return reject(cameraId, frame.key, failure.reason, deps, end);
    deps.metrics.count(ANALYZER_METRICS.failed);
    deps.log.warn('DetectLabels failed, the frame will be retried', { key: frame.key, reason: failure.reason });
    throw new FrameRetryError(`DetectLabels failed for ${frame.key}: ${failure.reason}`, { cause: e });
  }
  const stored = { count: result.count, boxes: result.boxes, confidence: result.confidence };
  await deps.ledger.analysed(cameraId, frame.key, nowIso, stored);
  const observation = analysedObservation(camera, parsed, frame.key, stored);
  await emit(observation, deps);
  await deps.state.recordAnalysis(cameraId, { key: frame.key, takenAt, signature, ...stored });
  return end('analysed', observation);
}

async function reject(
  cameraId: string,
  key: string,
  reason: string,
  deps: AnalyzeFrameDeps,
  end: (o: FrameOutcome, obs?: Observation, extra?: Record<string, unknown>) => Promise<FrameResult>,
): Promise<FrameResult> {
  const at = deps.now().toISOString();
  await deps.ledger.rejected(cameraId, key, at, reason);
  await deps.state.recordRejected(cameraId, { key, reason, at });
  return end('rejected', undefined, { reason });
}

async function emit(observation: Observation, deps: AnalyzeFrameDeps): Promise<void> {
  const failed = await deps.stream.put([observation]);
  if (failed.length > 0) {
    deps.metrics.count(ANALYZER_METRICS.failed);
    throw new FrameRetryError(`observation ${observation.id} not put on the stream: ${failed[0]!.reason}`);
  }
}

/** The observation of an analysed frame: people in the ROI, their boxes and mean confidence. */
export function analysedObservation(camera: Camera, frame: FrameKey, key: string, r: Pick<PeopleCount, 'count' | 'boxes' | 'confidence'>): Observation {
  return {
    v: 1,
    id: frameObservationId(key),
    source: camera.id,
    kind: 'people_count',
    zone: camera.zone,
    ts: frame.takenAt,
    value: r.count,
    data: { boxes: r.boxes, confidence: r.confidence, frameKey: key, carried: false },
  };
}

/** The observation of a frame whose count is carried over from the last analysed frame (change gating). */
export function carriedObservation(
  camera: Camera,
  frame: FrameKey,
  key: string,
  count: number,
  fromKey: string | undefined,
  distance: number,
): Observation {
  return {
    v: 1,
    id: frameObservationId(key),
    source: camera.id,
    kind: 'people_count',
    zone: camera.zone,
    ts: frame.takenAt,
    value: count,
    data: { frameKey: key, carried: true, carriedFrom: fromKey ?? null, distance: round(distance, 5) },
  };
}

/** Sends the day's one "cap reached" notice; if SNS fails, the claim is released so the next refusal tries again. */
async function noticeCapReached(day: string, now: Date, deps: AnalyzeFrameDeps): Promise<void> {
  const at = now.toISOString();
  if (!(await deps.usage.claimCapNotice(day, at))) return;
  const resetsAt = formatLocal(new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000), deps.timezone);
  try {
    await deps.notices.publish({
      subject: `[${deps.provinceCode}] Rekognition daily cap reached (${deps.dailyCap} calls, ${day} UTC)`,
      body: [
        `Đã dùng hết hạn mức phân tích ảnh Rekognition trong ngày ${day} (UTC): ${deps.dailyCap} lượt.`,
        `Khung hình vẫn được lưu nhưng không được đếm người cho đến ${resetsAt} (giờ địa phương).`,
        '',
        `The daily Rekognition cap of ${deps.dailyCap} calls for ${day} (UTC) is reached.`,
        `Frames are still stored but not counted until ${resetsAt} local time. Raise budget.rekognitionDailyCap in the province config to analyse more.`,
      ].join('\n'),
      attributes: { province: deps.provinceCode, kind: 'rekognition-cap-reached', day },
    });
    deps.metrics.count(ANALYZER_METRICS.capReached);
    deps.log.warn('Rekognition daily cap reached, notice sent', { day, cap: deps.dailyCap });
  } catch (e) {
    deps.log.error('cap notice not sent; the next refusal will try again', { day, error: String(e) });
    await deps.usage.releaseCapNotice(day, at);
  }
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

