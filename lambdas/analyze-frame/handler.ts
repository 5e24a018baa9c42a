// Lambda entry for the frame analyzer: SQS batches of S3 ObjectCreated notifications, partial batch failures reported.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { CameraStateStore } from '#adapters/camera-state.ts';
import { CameraStore } from '#adapters/camera-store.ts';
import { documentClient, kinesisClient, rekognitionClient, s3Client, snsClient } from '#adapters/clients.ts';
import { FrameLedger } from '#adapters/frame-ledger.ts';
import { FrameStore, parseFrameKey } from '#adapters/frame-store.ts';
import { MetricCounter } from '#adapters/metric-counter.ts';
import { OpsNotifier } from '#adapters/ops-notifier.ts';
import { RekognitionAdapter } from '#adapters/rekognition.ts';
import { RuleStore } from '#adapters/rule-store.ts';
import { KinesisStreamWriter } from '#adapters/stream-writer.ts';
import { UsageCounter, parseDailyCap } from '#adapters/usage-counter.ts';
import { GATE_DEFAULTS } from '#domain/frame-signature.ts';
import { ENV } from '#shared/env-names.ts';
import { lazyHandler, requireEnv } from '#shared/env.ts';
import { logger, metrics } from '#shared/observability.ts';
import { bundledRegistry } from '#shared/province.ts';
import {
  ANALYZER_METRICS,
  InvalidFrameMessageError,
  analyzeFrame,
  crowdThresholds,
  framesOfMessage,
  type AnalyzeFrameDeps,
} from './analyze-frame.ts';

/** Runs tasks one after the other per key (a camera), in parallel across keys. */
class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

/**
 * Builds the handler. Records are processed in parallel, but the frames of one camera one after the other (sampling
 * and gating read the state the previous frame wrote). A record fails — and SQS redelivers it, then moves it to the
 * DLQ after maxReceiveCount — when one of its frames must be retried or the message is not an S3 notification.
 * `throwOnFullBatchFailure: false`: a batch that fails entirely (Rekognition throttling) is answered like any other,
 * with every item listed, instead of a function error.
 */
export const makeHandler = (deps: AnalyzeFrameDeps & { metrics: { flush?(): void; snapshot?(): Record<string, number> } }) => {
  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    if (context) logger.addContext(context);
    const queue = new KeyedQueue();
    // What each frame's guards decided is summed for the batch and written once (the cap itself stays immediate).
    const tally = new Map<string, Record<string, number>>();
    const usage: AnalyzeFrameDeps['usage'] = Object.assign(Object.create(deps.usage) as AnalyzeFrameDeps['usage'], {
      count: async (day: string, outcome: string, cameraId?: string) => {
        const t = tally.get(day) ?? {};
        for (const k of ['frames', outcome, ...(cameraId ? [`frames#${cameraId}`] : [])]) t[k] = (t[k] ?? 0) + 1;
        tally.set(day, t);
      },
    });
    const batchDeps: AnalyzeFrameDeps = { ...deps, usage };
    const recordHandler = async (record: SQSRecord): Promise<void> => {
      let frames;
      try {
        frames = framesOfMessage(record.body);
      } catch (e) {
        if (e instanceof InvalidFrameMessageError) {
          deps.metrics.count(ANALYZER_METRICS.invalidMessages);
          deps.log.error('invalid frame message, left for the DLQ', { messageId: record.messageId, reason: e.message });
        }
        throw e;
      }
      deps.metrics.count(ANALYZER_METRICS.received, frames.length);
      for (const frame of frames) {
        await queue.run(parseFrameKey(frame.key)?.cameraId ?? frame.key, () => analyzeFrame(frame, batchDeps));
      }
    };
    const processor = new BatchProcessor(EventType.SQS);
    try {
      const response = await processPartialResponse(event, recordHandler, processor, { ...(context ? { context } : {}), throwOnFullBatchFailure: false });
      deps.log.info('batch processed', { messages: event.Records.length, failed: response.batchItemFailures.length, ...deps.metrics.snapshot?.() });
      return response;
    } finally {
      deps.metrics.flush?.();
      const add = (deps.usage as { add?: (day: string, counts: Record<string, number>) => Promise<void> }).add;
      for (const [day, counts] of tally) {
        if (add) await add.call(deps.usage, day, counts).catch((e: Error) => deps.log.error('usage counters not written', { day, error: e.message }));
        else for (const [k, n] of Object.entries(counts)) if (k !== 'frames' && !k.startsWith('frames#')) for (let i = 0; i < n; i++) await deps.usage.count(day, k as never);
      }
    }
  };
};

/** The production dependencies, from the environment and the bundled registry. */
export function defaultDeps(): AnalyzeFrameDeps & { metrics: MetricCounter } {
  const db = documentClient();
  const registry = bundledRegistry();
  const table = requireEnv(ENV.registryTable);
  const rules = new RuleStore(db, table, registry.rules);
  return {
    bucket: requireEnv(ENV.framesBucket),
    provinceCode: registry.code,
    timezone: registry.timezone,
    dailyCap: parseDailyCap(requireEnv(ENV.rekognitionDailyCap)),
    gate: GATE_DEFAULTS,
    cameras: new CameraStore(db, table, registry.cameras),
    zoneThresholds: async (zone) => crowdThresholds((await rules.all()).map((r) => r.rule), zone),
    state: new CameraStateStore(db, table),
    ledger: new FrameLedger(db, table),
    usage: new UsageCounter(db, table),
    frames: new FrameStore(s3Client(), requireEnv(ENV.framesBucket)),
    rekognition: new RekognitionAdapter(rekognitionClient()),
    stream: new KinesisStreamWriter(kinesisClient(), requireEnv(ENV.streamName)),
    notices: new OpsNotifier(snsClient(), requireEnv(ENV.opsTopicArn)),
    metrics: new MetricCounter(metrics),
    log: logger,
    now: () => new Date(),
  };
}

/** The Lambda entry point. */
export const handler = lazyHandler(() => makeHandler(defaultDeps()));
