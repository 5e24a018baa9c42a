// Event sources as the template wires them: Kinesis and SQS event source mappings (batch size, window, partial
// failures, bisect, bounded retries, on-failure destination), SNS → Lambda, and rate() schedules.
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  type _Record,
} from '@aws-sdk/client-kinesis';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { SimClock } from './clock.ts';

/** Invokes a function; rejects when the function fails (error or timeout). */
export type Invoke = (event: unknown) => Promise<unknown>;

/** The settings of a Kinesis event source mapping that shape delivery. */
export interface KinesisDelivery {
  readonly batchSize: number;
  readonly bisectOnError: boolean;
  /** -1: retry until the record expires (capped locally at 10,000). */
  readonly maxRetries: number;
  readonly reportBatchItemFailures: boolean;
}

/** What happened to one batch. */
export interface DeliveryOutcome {
  readonly invocations: number;
  /** Sub-batches given up on after the retries: they go to the on-failure destination. */
  readonly failed: KinesisStreamRecord[][];
}

/**
 * Delivers one batch the way Lambda does for a Kinesis mapping: a reported item failure retries the batch from the
 * lowest failed sequence number (records before it are done); a function error retries the whole batch, split in two
 * first when bisecting is on (a split does not count as a retry); after `maxRetries` retries the records still
 * failing are given up on (returned in `failed`) and delivery moves past them.
 */
export async function deliverKinesisBatch(records: KinesisStreamRecord[], invoke: Invoke, o: KinesisDelivery): Promise<DeliveryOutcome> {
  const max = o.maxRetries < 0 ? 10_000 : o.maxRetries;
  const work: Array<{ recs: KinesisStreamRecord[]; retries: number }> = [{ recs: records, retries: 0 }];
  const failed: KinesisStreamRecord[][] = [];
  let invocations = 0;
  while (work.length > 0) {
    const { recs, retries } = work.shift()!;
    if (recs.length === 0) continue;
    let result: unknown;
    try {
      invocations++;
      result = await invoke({ Records: recs } satisfies KinesisStreamEvent);
    } catch {
      if (o.bisectOnError && recs.length > 1) {
        const half = Math.ceil(recs.length / 2);
        work.unshift({ recs: recs.slice(0, half), retries }, { recs: recs.slice(half), retries });
      } else if (retries < max) {
        work.unshift({ recs, retries: retries + 1 });
      } else {
        failed.push(recs);
      }
      continue;
    }
    if (!o.reportBatchItemFailures) continue;
    const failures = (result as { batchItemFailures?: Array<{ itemIdentifier?: string }> } | null)?.batchItemFailures ?? [];
    if (failures.length === 0) continue;
    // An identifier that is missing or not in the batch fails the whole batch, as Lambda does.
    const indexes = failures.map((f) => recs.findIndex((r) => r.kinesis.sequenceNumber === f.itemIdentifier));
    const from = indexes.some((i) => i < 0) ? 0 : Math.min(...indexes);
    const rest = recs.slice(from);
    if (retries < max) work.unshift({ recs: rest, retries: retries + 1 });
    else failed.push(rest);
  }
  return { invocations, failed };
}

/** The record Lambda sends to a Kinesis mapping's on-failure destination (metadata only, no data). */
export function kinesisFailureRecord(batch: KinesisStreamRecord[], o: { functionArn: string; streamArn: string; shardId: string; now: Date }) {
  return {
    requestContext: { requestId: `local-${Date.now()}`, functionArn: o.functionArn, condition: 'RetryAttemptsExhausted', approximateInvokeCount: 1 },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: o.now.toISOString(),
    KinesisBatchInfo: {
      shardId: o.shardId,
      startSequenceNumber: batch[0]!.kinesis.sequenceNumber,
      endSequenceNumber: batch[batch.length - 1]!.kinesis.sequenceNumber,
      approximateArrivalOfFirstRecord: new Date(batch[0]!.kinesis.approximateArrivalTimestamp * 1000).toISOString(),
      approximateArrivalOfLastRecord: new Date(batch[batch.length - 1]!.kinesis.approximateArrivalTimestamp * 1000).toISOString(),
      batchSize: batch.length,
      streamArn: o.streamArn,
    },
  };
}

/** A running poller. */
export interface Poller {
  stop(): Promise<void>;
  readonly stats: { batches: number; records: number; invocations: number; failedRecords: number };
}

const sleep = (ms: number, signal: { stopped: boolean }) =>
  new Promise<void>((r) => {
    if (signal.stopped) return r();
    setTimeout(r, ms);
  });

function toKinesisRecord(r: _Record, shardId: string, o: { streamArn: string; region: string; roleArn: string }): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: r.PartitionKey!,
      sequenceNumber: r.SequenceNumber!,
      data: Buffer.from(r.Data ?? new Uint8Array()).toString('base64'),
      approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp ?? new Date()).getTime() / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${r.SequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: o.roleArn,
    awsRegion: o.region,
    eventSourceARN: o.streamArn,
  };
}

/** Polls every shard of a stream and delivers batches to `invoke` with the mapping's semantics. */
export function pollKinesis(o: {
  kinesis: KinesisClient;
  sqs: SQSClient;
  streamName: string;
  streamArn: string;
  functionArn: string;
  region: string;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  batchSize: number;
  windowMs: number;
  delivery: KinesisDelivery;
  onFailureQueueUrl?: string;
  invoke: Invoke;
  now: () => Date;
  log: (line: string) => void;
}): Poller {
  const signal = { stopped: false };
  const stats = { batches: 0, records: 0, invocations: 0, failedRecords: 0 };
  const loops: Promise<void>[] = [];
  const start = async () => {
    const d = await o.kinesis.send(new DescribeStreamCommand({ StreamName: o.streamName }));
    for (const shard of d.StreamDescription?.Shards ?? []) loops.push(shardLoop(shard.ShardId!));
  };
  const shardLoop = async (shardId: string) => {
    let iterator = (
      await o.kinesis.send(new GetShardIteratorCommand({ StreamName: o.streamName, ShardId: shardId, ShardIteratorType: o.startingPosition }))
    ).ShardIterator;
    let buffer: KinesisStreamRecord[] = [];
    let windowStart = 0;
    while (!signal.stopped && iterator) {
      try {
        const res = await o.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: o.batchSize - buffer.length }));
        iterator = res.NextShardIterator;
        for (const r of res.Records ?? []) buffer.push(toKinesisRecord(r, shardId, { streamArn: o.streamArn, region: o.region, roleArn: o.functionArn }));
        if (buffer.length > 0 && windowStart === 0) windowStart = Date.now();
        const full = buffer.length >= o.batchSize;
        const windowOver = buffer.length > 0 && Date.now() - windowStart >= o.windowMs;
        if (full || windowOver) {
          const batch = buffer;
          buffer = [];
          windowStart = 0;
          stats.batches++;
          stats.records += batch.length;
          const outcome = await deliverKinesisBatch(batch, o.invoke, o.delivery);
          stats.invocations += outcome.invocations;
          for (const f of outcome.failed) {
            stats.failedRecords += f.length;
            o.log(`kinesis: gave up on ${f.length} record(s) after retries`);
            if (o.onFailureQueueUrl) {
              const body = kinesisFailureRecord(f, { functionArn: o.functionArn, streamArn: o.streamArn, shardId, now: o.now() });
              await o.sqs.send(new SendMessageCommand({ QueueUrl: o.onFailureQueueUrl, MessageBody: JSON.stringify(body) }));
            }
          }
        } else if ((res.Records ?? []).length === 0) {
          await sleep(100, signal);
        }
      } catch (e) {
        if (signal.stopped) break;
        o.log(`kinesis poller: ${(e as Error).message}`);
        await sleep(500, signal);
      }
    }
  };
  const started = start().catch((e: Error) => o.log(`kinesis poller could not start: ${e.message}`));
  return {
    stats,
    stop: async () => {
      signal.stopped = true;
      await started;
      await Promise.all(loops);
    },
  };
}

/** Polls a queue and delivers SQS events; successes are deleted, reported failures become visible again soon. */
export function pollSqs(o: {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  batchSize: number;
  reportBatchItemFailures: boolean;
  /** Seconds before a failed message is visible again (the queue's visibility timeout, scaled by the clock). */
  retryDelaySeconds: number;
  /** Turns a batch of messages into the function's event (SQS by default; SNS envelopes for topic subscriptions). */
  toEvent?: (messages: Message[]) => unknown;
  invoke: Invoke;
  log: (line: string) => void;
}): Poller {
  const signal = { stopped: false };
  const stats = { batches: 0, records: 0, invocations: 0, failedRecords: 0 };
  const toEvent =
    o.toEvent ??
    ((messages: Message[]) => ({
      Records: messages.map((m) => ({
        messageId: m.MessageId!,
        receiptHandle: m.ReceiptHandle!,
        body: m.Body ?? '',
        attributes: m.Attributes ?? {},
        messageAttributes: m.MessageAttributes ?? {},
        md5OfBody: m.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: o.queueArn,
        awsRegion: o.region,
      })),
    }));
  const loop = (async () => {
    while (!signal.stopped) {
      try {
        const res = await o.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: o.queueUrl,
            MaxNumberOfMessages: Math.min(10, o.batchSize),
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        const messages = res.Messages ?? [];
        if (messages.length === 0) continue;
        stats.batches++;
        stats.records += messages.length;
        stats.invocations++;
        let failedIds = new Set<string>();
        try {
          const result = (await o.invoke(toEvent(messages))) as { batchItemFailures?: Array<{ itemIdentifier: string }> } | null;
          if (o.reportBatchItemFailures) failedIds = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        } catch {
          failedIds = new Set(messages.map((m) => m.MessageId!));
        }
        const done = messages.filter((m) => !failedIds.has(m.MessageId!));
        const failed = messages.filter((m) => failedIds.has(m.MessageId!));
        stats.failedRecords += failed.length;
        if (done.length) {
          await o.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: o.queueUrl, Entries: done.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })) }));
        }
        if (failed.length) {
          await o.sqs.send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: o.queueUrl,
              Entries: failed.map((m, i) => ({ Id: `f${i}`, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: o.retryDelaySeconds })),
            }),
          );
        }
      } catch (e) {
        if (signal.stopped) break;
        o.log(`sqs poller: ${(e as Error).message}`);
        await sleep(500, signal);
      }
    }
  })();
  return {
    stats,
    stop: async () => {
      signal.stopped = true;
      await loop;
    },
  };
}

/** The SNS event a Lambda subscription receives, from the SNS envelopes moto delivered to a queue. */
export function snsEventFrom(messages: Message[], subscriptionArn: string) {
  return {
    Records: messages.map((m) => {
      const env = JSON.parse(m.Body ?? '{}') as Record<string, unknown>;
      return {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: env.Type ?? 'Notification',
          MessageId: env.MessageId,
          TopicArn: env.TopicArn,
          Subject: env.Subject ?? null,
          Message: env.Message,
          Timestamp: env.Timestamp,
          SignatureVersion: env.SignatureVersion ?? '1',
          Signature: env.Signature ?? 'local',
          SigningCertUrl: env.SigningCertURL ?? '',
          UnsubscribeUrl: env.UnsubscribeURL ?? '',
          MessageAttributes: env.MessageAttributes ?? {},
        },
      };
    }),
  };
}

/** Milliseconds of a `rate(N unit)` schedule expression; throws for anything else (cron is not supported locally). */
export function rateMs(expression: string): number {
  const m = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!m) throw new Error(`schedule "${expression}" is not supported locally (rate(N minutes|hours|days) is)`);
  const unit = m[2]!.startsWith('minute') ? 60_000 : m[2]!.startsWith('hour') ? 3_600_000 : 86_400_000;
  return Number(m[1]) * unit;
}

/** Invokes `invoke` with a scheduled event every `rate` of simulated time; a run still going skips the next tick. */
export function schedule(o: { expression: string; ruleArn: string; region: string; clock: SimClock; invoke: Invoke; log: (line: string) => void }): Poller {
  const stats = { batches: 0, records: 0, invocations: 0, failedRecords: 0 };
  const everyMs = Math.max(50, o.clock.realMs(rateMs(o.expression)));
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    stats.invocations++;
    o.invoke({
      version: '0',
      id: `local-${Date.now()}`,
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: o.clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: o.region,
      resources: [o.ruleArn],
      detail: {},
    })
      .catch((e: Error) => {
        stats.failedRecords++;
        o.log(`schedule ${o.ruleArn}: ${e.message}`);
      })
      .finally(() => (running = false));
  }, everyMs);
  return {
    stats,
    stop: async () => {
      clearInterval(timer);
      while (running) await new Promise((r) => setTimeout(r, 20));
    },
  };
}
