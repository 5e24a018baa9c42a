// Lambda entry for the Kinesis stream processor: wires adapters to the core and reports partial batch failures.
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { documentClient, sqsClient } from '#adapters/clients.ts';
import { FailureQueue } from '#adapters/failure-queue.ts';
import { ObservationStore } from '#adapters/observation-store.ts';
import { ENV } from '#shared/env-names.ts';
import { lazyHandler, requireEnv, requireIntEnv } from '#shared/env.ts';
import { logger, metrics } from '#shared/observability.ts';
import { processStream, type ProcessStreamDeps } from './process-stream.ts';

/** Builds the handler around its dependencies (tests pass adapters pointed at moto). */
export const makeHandler =
  (deps: ProcessStreamDeps) =>
  async (event: KinesisStreamEvent, context?: Context): Promise<KinesisStreamBatchResponse> => {
    if (context) logger.addContext(context);
    const { response, report } = await processStream(event.Records, deps);
    metrics.addMetric('RecordsReceived', MetricUnit.Count, report.records);
    metrics.addMetric('ObservationsStored', MetricUnit.Count, report.stored);
    metrics.addMetric('PoisonRecords', MetricUnit.Count, report.poison);
    metrics.addMetric('RecordsRetried', MetricUnit.Count, report.retried);
    metrics.publishStoredMetrics();
    logger.info('batch processed', { ...report });
    return response;
  };

function defaultDeps(): ProcessStreamDeps {
  const store = new ObservationStore(
    documentClient(),
    requireEnv(ENV.observationsTable),
    requireIntEnv(ENV.observationRetentionDays),
  );
  return {
    store,
    failures: new FailureQueue(sqsClient(), requireEnv(ENV.failureQueueUrl), 'process-stream'),
    now: () => new Date(),
    log: logger,
  };
}

/** The Lambda entry point. */
export const handler = lazyHandler(() => makeHandler(defaultDeps()));
