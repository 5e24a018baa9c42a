// Lambda entry for Rekognition Video completion notifications (SNS → Lambda): every record handled, failures retried.
import type { Context, SNSEvent } from 'aws-lambda';
import { ClipStore } from '#adapters/clip-store.ts';
import { documentClient, kinesisClient, rekognitionClient } from '#adapters/clients.ts';
import { MetricCounter } from '#adapters/metric-counter.ts';
import { RekognitionAdapter } from '#adapters/rekognition.ts';
import { KinesisStreamWriter } from '#adapters/stream-writer.ts';
import { UsageCounter } from '#adapters/usage-counter.ts';
import { ENV } from '#shared/env-names.ts';
import { lazyHandler, requireEnv } from '#shared/env.ts';
import { logger, metrics } from '#shared/observability.ts';
import { finishClip, type FinishClipDeps, type FinishOutcome } from './finish-clip.ts';

/**
 * Builds the handler. Every record is handled; when one fails (Rekognition or Kinesis unavailable) the invocation
 * throws after the others, so Lambda's asynchronous retries (then the on-failure destination) take it again —
 * idempotently: the observation ids are deterministic and a finished clip is not finished twice.
 */
export const makeHandler =
  (deps: FinishClipDeps & { metrics: { flush?(): void } }) =>
  async (event: SNSEvent, context?: Context): Promise<FinishOutcome[]> => {
    if (context) logger.addContext(context);
    const outcomes: FinishOutcome[] = [];
    const errors: unknown[] = [];
    try {
      for (const record of event.Records) {
        try {
          outcomes.push(await finishClip(record.Sns.Message, deps));
        } catch (e) {
          errors.push(e);
          logger.error('clip completion failed, will be retried', { messageId: record.Sns.MessageId, error: String(e) });
        }
      }
    } finally {
      deps.metrics.flush?.();
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} clip completions failed`);
    return outcomes;
  };

/** The Lambda entry point. */
export const handler = lazyHandler(() => {
  const db = documentClient();
  const table = requireEnv(ENV.registryTable);
  return makeHandler({
    clips: new ClipStore(db, table),
    usage: new UsageCounter(db, table),
    rekognition: new RekognitionAdapter(rekognitionClient()),
    stream: new KinesisStreamWriter(kinesisClient(), requireEnv(ENV.streamName)),
    metrics: new MetricCounter(metrics),
    log: logger,
    now: () => new Date(),
  });
});
