// The stream consumer: process-stream reads the observation stream in batches; failures end in an encrypted queue.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ProvinceConfig } from '../config/schema.ts';
import { ENV } from '../../lambdas/shared/env-names.ts';
import type { CentralStore } from './central-store.ts';
import { grantQueueSend } from './grants.ts';
import { ProvinceFunction } from './province-function.ts';

/** Properties of {@link StreamProcessor}. */
export interface StreamProcessorProps {
  readonly config: ProvinceConfig;
  /** The province key; the failure queue and the log group are encrypted with it. */
  readonly key: kms.IKey;
  readonly store: CentralStore;
  /** The observation stream to consume. */
  readonly stream: kinesis.IStream;
}

/**
 * `process-stream` behind a Kinesis event source mapping that never lets one poison record block a shard: failed
 * batches are bisected, retried a bounded number of times, reported per item, and finally recorded in the failure
 * queue. Kinesis on-failure records carry only the batch's shard and sequence numbers, so the handler also sends
 * each poison record itself (with its reason) to the same queue through `FAILURE_QUEUE_URL`.
 */
export class StreamProcessor extends Construct {
  /** The process-stream function. */
  public readonly fn: ProvinceFunction;
  /** Dead-letter queue: poison records (sent by the handler) and exhausted batches (sent by Lambda). */
  public readonly failureQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: StreamProcessorProps) {
    super(scope, id);
    const { config, key, store } = props;

    this.failureQueue = new sqs.Queue(this, 'FailureQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      // Keep one data key for 5 min (the default) rather than calling KMS per message.
      dataKeyReuse: Duration.minutes(5),
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: config.sandbox ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the stream consumer (its on-failure destination and the ' +
        'target of poison records); messages stay 14 days and its depth is alarmed.',
    });

    this.fn = new ProvinceFunction(this, 'ProcessStream', {
      name: 'process-stream',
      config,
      key,
      description: 'Kinesis consumer: stores observations, rollups and rule state',
      // A batch of 500 records with batched writes and retries of unprocessed items; well under the 24 h record age.
      timeout: Duration.seconds(60),
    })
      .bindTable(store.observations, ENV.observationsTable, 'readWrite')
      .bindTable(store.registry, ENV.registryTable, 'read')
      .bindTable(store.incidents, ENV.incidentsTable, 'readWrite', store.incidentIndexes)
      .bindQueue(this.failureQueue, ENV.failureQueueUrl, 'send')
      .setEnv(ENV.observationRetentionDays, String(config.retention.observationDays));

    this.fn.fn.addEventSource(
      new sources.KinesisEventSource(props.stream, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 500,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        retryAttempts: 5,
        maxRecordAge: Duration.hours(24),
        reportBatchItemFailures: true,
        parallelizationFactor: 1,
        onFailure: new EncryptedSqsDlq(this.failureQueue),
      }),
    );
  }
}

/**
 * `SqsDlq` with a narrower grant: `sqs:SendMessage` and the two KMS calls an SSE-KMS producer makes, instead of
 * `grantSendMessages` with its `kms:ReEncrypt*` / `kms:GenerateDataKey*` wildcards.
 */
class EncryptedSqsDlq implements lambda.IEventSourceDlq {
  constructor(private readonly queue: sqs.IQueue) {}

  public bind(_target: lambda.IEventSourceMapping, targetHandler: lambda.IFunction): lambda.DlqDestinationConfig {
    grantQueueSend(this.queue, targetHandler);
    return { destination: this.queue.queueArn };
  }
}
