// Test resources in moto: clients pointed at the shared moto_server and throw-away tables, streams and queues.
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, DescribeStreamCommand } from '@aws-sdk/client-kinesis';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { documentClient, kinesisClient, sqsClient } from '../../lambdas/shared/adapters/clients.ts';

/** The moto endpoint this test worker uses. */
export const endpoint = (): string => {
  const e = process.env.MOTO_ENDPOINT;
  if (!e) throw new Error('MOTO_ENDPOINT is not set: the vitest globalSetup starts moto_server');
  return e;
};

/** SDK clients pointed at moto, with a single attempt so injected faults are seen as they are. */
export const motoClients = () => {
  const o = { endpoint: endpoint(), region: 'ap-southeast-1', maxAttempts: 2 };
  return { db: documentClient(o), kinesis: kinesisClient(o), sqs: sqsClient(o) };
};

/** A unique resource name for this test. */
export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Creates a pk/sk table like the stack's (optionally with the TTL attribute) and returns its name. */
export async function createTable(prefix: string, ttlAttribute?: string): Promise<string> {
  const { db } = motoClients();
  const TableName = unique(prefix);
  await db.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  if (ttlAttribute) {
    await db.send(
      new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true } }),
    );
  }
  return TableName;
}

/** Creates a one-shard stream and waits until it is active. */
export async function createStream(prefix = 'stream'): Promise<string> {
  const { kinesis } = motoClients();
  const StreamName = unique(prefix);
  await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
  for (let i = 0; i < 50; i++) {
    const d = await kinesis.send(new DescribeStreamCommand({ StreamName }));
    if (d.StreamDescription?.StreamStatus === 'ACTIVE') return StreamName;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`stream ${StreamName} never became ACTIVE`);
}

/** Creates a queue and returns its URL. */
export async function createQueue(prefix = 'queue'): Promise<string> {
  const { sqs } = motoClients();
  const res = await sqs.send(new CreateQueueCommand({ QueueName: unique(prefix) }));
  return res.QueueUrl!;
}

/** Receives every message currently in a queue (bodies parsed as JSON). */
export async function drainQueue(queueUrl: string): Promise<Array<Record<string, unknown>>> {
  const { sqs } = motoClients();
  const out: Array<Record<string, unknown>> = [];
  for (;;) {
    const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (!res.Messages?.length) return out;
    out.push(...res.Messages.map((m) => JSON.parse(m.Body!) as Record<string, unknown>));
  }
}

/** Reads every record on a one-shard stream and shapes them as the Kinesis event Lambda would deliver. */
export async function readStreamAsEvent(streamName: string): Promise<import('aws-lambda').KinesisStreamEvent> {
  const { kinesis } = motoClients();
  const { DescribeStreamCommand: Describe, GetShardIteratorCommand, GetRecordsCommand } = await import('@aws-sdk/client-kinesis');
  const d = await kinesis.send(new Describe({ StreamName: streamName }));
  const shard = d.StreamDescription!.Shards![0]!.ShardId!;
  const it = await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard, ShardIteratorType: 'TRIM_HORIZON' }));
  const recs = await kinesis.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator!, Limit: 10_000 }));
  const arn = d.StreamDescription!.StreamARN!;
  return {
    Records: (recs.Records ?? []).map((r) => ({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: r.PartitionKey!,
        sequenceNumber: r.SequenceNumber!,
        data: Buffer.from(r.Data!).toString('base64'),
        approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp ?? new Date()).getTime() / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${shard}:${r.SequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/process-stream',
      awsRegion: 'ap-southeast-1',
      eventSourceARN: arn,
    })),
  };
}

/** Creates an IncidentsTable like the stack's: pk/sk plus the ByOpened and (sparse) Active indexes. */
export async function createIncidentsTable(): Promise<string> {
  const { db } = motoClients();
  const TableName = unique('incidents');
  const key = (p: string, s: string) => [
    { AttributeName: p, KeyType: 'HASH' as const },
    { AttributeName: s, KeyType: 'RANGE' as const },
  ];
  await db.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
      KeySchema: key('pk', 'sk'),
      GlobalSecondaryIndexes: [
        { IndexName: 'ByOpened', KeySchema: key('gsi1pk', 'gsi1sk'), Projection: { ProjectionType: 'ALL' } },
        { IndexName: 'Active', KeySchema: key('gsi2pk', 'gsi2sk'), Projection: { ProjectionType: 'ALL' } },
      ],
    }),
  );
  return TableName;
}

/** An SNS topic with an SQS queue subscribed (raw delivery off, as email would see the envelope); returns both. */
export async function createTopicWithQueue(): Promise<{ topicArn: string; queueUrl: string }> {
  const { CreateTopicCommand, SubscribeCommand, SNSClient } = await import('@aws-sdk/client-sns');
  const { GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
  const sns = new SNSClient({ endpoint: endpoint(), region: 'ap-southeast-1' });
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: unique('alerts') }))).TopicArn!;
  const queueUrl = await createQueue('alert-inbox');
  const attrs = await motoClients().sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: attrs.Attributes!.QueueArn! }));
  return { topicArn, queueUrl };
}
