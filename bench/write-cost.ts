// Benchmark: DynamoDB write requests and write capacity units per 1,000 sensor observations (rollups and rule state
// included), counted from the requests the real stream handler sends to moto, next to a one-PutItem-per-record handler.
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { KinesisStreamRecord } from 'aws-lambda';
import { startMoto, type Moto } from '../local/moto.ts';
import { batches, benchProvince, sensorRecords } from './workloads.ts';
import { round, writeResult } from './util.ts';

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const { makeHandler } = await import('../lambdas/process-stream/handler.ts');
const { parseRecord } = await import('../lambdas/process-stream/process-stream.ts');
const { ObservationStore } = await import('../lambdas/shared/adapters/observation-store.ts');
const { FailureQueue } = await import('../lambdas/shared/adapters/failure-queue.ts');
const { IncidentStore } = await import('../lambdas/shared/adapters/incident-store.ts');
const { AlertPublisher } = await import('../lambdas/shared/adapters/alert-publisher.ts');
const { textAlertSender } = await import('../lambdas/shared/rule-engine.ts');
const { KpiStore } = await import('../lambdas/shared/adapters/kpi-store.ts');

type Wire = Record<string, any>;

/** Bytes of one attribute value, by DynamoDB's item size rules (names counted by the caller). */
function valueBytes(v: Wire): number {
  if ('S' in v) return Buffer.byteLength(v.S, 'utf8');
  if ('N' in v) return Math.ceil(String(v.N).replace(/^-|\.|e.*$/gi, '').replace(/^0+/, '').length / 2) + 1;
  if ('B' in v) return Buffer.from(v.B, 'base64').length;
  if ('BOOL' in v || 'NULL' in v) return 1;
  if ('L' in v) return 3 + (v.L as Wire[]).reduce((s, x) => s + 1 + valueBytes(x), 0);
  if ('M' in v) return 3 + Object.entries(v.M as Record<string, Wire>).reduce((s, [k, x]) => s + 1 + Buffer.byteLength(k) + valueBytes(x), 0);
  if ('SS' in v) return (v.SS as string[]).reduce((s, x) => s + Buffer.byteLength(x), 0);
  if ('NS' in v) return (v.NS as string[]).reduce((s, x) => s + valueBytes({ N: x }), 0);
  return 0;
}

/** Size of an item in bytes: attribute names plus values. */
export const itemBytes = (item: Record<string, Wire>): number =>
  Object.entries(item).reduce((s, [name, v]) => s + Buffer.byteLength(name, 'utf8') + valueBytes(v), 0);

/** Write capacity units of writing one item: one per started KB. */
const wcu = (item: Record<string, Wire>) => Math.max(1, Math.ceil(itemBytes(item) / 1024));

const WRITES = new Set(['BatchWriteItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems']);
const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);

/** Counts what a DynamoDB client sends: requests by operation, write units (items from the request bodies). */
class Meter {
  requests: Record<string, number> = {};
  writeUnits = 0;
  itemsWritten = 0;

  handler(inner: NodeHttpHandler, lookup: (table: string, key: Record<string, Wire>) => Promise<Record<string, Wire> | undefined>) {
    return {
      metadata: { handlerProtocol: 'http/1.1' },
      handle: async (request: { headers: Record<string, string>; body?: unknown }, options?: unknown) => {
        const target = request.headers['x-amz-target'] ?? '';
        const op = target.slice(target.indexOf('.') + 1);
        const body = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body as Uint8Array);
        const res = await inner.handle(request as never, options as never);
        if (res.response.statusCode === 200) await this.count(op, JSON.parse(body || '{}'), lookup);
        else this.requests[`${op} (refused)`] = (this.requests[`${op} (refused)`] ?? 0) + 1;
        return res;
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
      destroy: () => inner.destroy(),
    };
  }

  private async count(op: string, input: Wire, lookup: (table: string, key: Record<string, Wire>) => Promise<Record<string, Wire> | undefined>) {
    this.requests[op] = (this.requests[op] ?? 0) + 1;
    const add = (item: Record<string, Wire>, factor = 1) => {
      this.writeUnits += wcu(item) * factor;
      this.itemsWritten++;
    };
    if (op === 'BatchWriteItem') for (const reqs of Object.values(input.RequestItems as Record<string, Wire[]>)) for (const r of reqs) add(r.PutRequest?.Item ?? r.DeleteRequest?.Key);
    if (op === 'PutItem') add(input.Item);
    if (op === 'TransactWriteItems') for (const ti of input.TransactItems as Wire[]) add((ti.Put ?? ti.Update ?? ti.Delete).Item ?? (await lookup(ti.Update?.TableName, ti.Update?.Key)) ?? {}, 2);
    // An update is charged on the item's size after the update: read it back (the read is not counted).
    if (op === 'UpdateItem' || op === 'DeleteItem') add((await lookup(input.TableName, input.Key)) ?? input.Key);
  }

  get writeRequests(): number {
    return Object.entries(this.requests).reduce((s, [op, n]) => s + (WRITES.has(op) ? n : 0), 0);
  }
  get readRequests(): number {
    return Object.entries(this.requests).reduce((s, [op, n]) => s + (READS.has(op) ? n : 0), 0);
  }
}

const region = 'ap-southeast-1';
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };

async function province(moto: Moto) {
  const plain = new DynamoDBClient({ endpoint: moto.endpoint, region, credentials, requestHandler: new NodeHttpHandler() });
  const suffix = Math.random().toString(36).slice(2, 8);
  const table = async (name: string, gsis: string[] = []) => {
    const TableName = `${name}-${suffix}`;
    const key = (p: string, s: string) => [
      { AttributeName: p, KeyType: 'HASH' as const },
      { AttributeName: s, KeyType: 'RANGE' as const },
    ];
    await plain.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: ['pk', 'sk', ...gsis.flatMap((_, i) => [`gsi${i + 1}pk`, `gsi${i + 1}sk`])].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
        KeySchema: key('pk', 'sk'),
        ...(gsis.length
          ? { GlobalSecondaryIndexes: gsis.map((IndexName, i) => ({ IndexName, KeySchema: key(`gsi${i + 1}pk`, `gsi${i + 1}sk`), Projection: { ProjectionType: 'ALL' as const } })) }
          : {}),
      }),
    );
    return TableName;
  };
  const [observations, incidents] = await Promise.all([table('obs'), table('incidents', ['ByOpened', 'Active'])]);
  const sqs = new SQSClient({ endpoint: moto.endpoint, region, credentials, requestHandler: new NodeHttpHandler() });
  const sns = new SNSClient({ endpoint: moto.endpoint, region, credentials, requestHandler: new NodeHttpHandler() });
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `failures-${suffix}` }))).QueueUrl!;
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: `alerts-${suffix}` }))).TopicArn!;
  const meter = new Meter();
  const lookup = async (TableName: string, Key: Record<string, Wire>) => {
    return (await plain.send(new GetItemCommand({ TableName, Key: Key as never, ConsistentRead: true }))).Item as Record<string, Wire> | undefined;
  };
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: moto.endpoint, region, credentials, requestHandler: meter.handler(new NodeHttpHandler(), lookup) as never }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  return { db, sqs, sns, queueUrl, topicArn, observations, incidents, meter };
}

const { registry } = benchProvince();
const NOW = new Date('2026-11-25T17:00:00Z');

/** Runs the real handler (rules on, as deployed) over `records` in batches of `batchSize`; returns the meter. */
async function measure(moto: Moto, records: KinesisStreamRecord[], batchSize: number) {
  const p = await province(moto);
  const handler = makeHandler({
    store: new ObservationStore(p.db, p.observations, 90),
    failures: new FailureQueue(p.sqs, p.queueUrl, 'process-stream'),
    now: () => NOW,
    rules: {
      incidents: new IncidentStore(p.db, p.incidents),
      rules: async () => registry.rules,
      registry,
      alerts: textAlertSender(registry, 'https://ioc.example.vn/', new AlertPublisher(p.sns, p.topicArn)),
      now: () => NOW,
      kpis: new KpiStore(p.db, p.incidents),
    },
  });
  for (const batch of batches(records, batchSize)) {
    const res = await handler({ Records: batch });
    if (res.batchItemFailures.length) throw new Error(`${res.batchItemFailures.length} records failed`);
  }
  return p.meter;
}

/** The naive handler: one PutItem per record, nothing else. */
async function measureNaive(moto: Moto, records: KinesisStreamRecord[]) {
  const p = await province(moto);
  const store = new ObservationStore(p.db, p.observations, 90);
  for (const r of records) {
    const parsed = parseRecord(r);
    if ('observation' in parsed) await p.db.send(new PutCommand({ TableName: p.observations, Item: store.toItem(parsed.observation) }));
  }
  return p.meter;
}

const summary = (m: Meter, n: number) => ({
  writeRequestsPer1000: round((m.writeRequests * 1000) / n, 1),
  writeUnitsPer1000: round((m.writeUnits * 1000) / n, 1),
  readRequestsPer1000: round((m.readRequests * 1000) / n, 1),
  requests: m.requests,
});

const moto = await startMoto();
try {
  const N = 1_000;
  // 200 sensors × 5 readings (one a minute) inside one 5-minute bucket, in batches of 500 (the mapping's BatchSize).
  const primary = await measure(moto, sensorRecords({ sensors: 200, readings: 5 }), 500);
  // The worse case: 1,000 different sensors, one reading each (every observation its own rollup).
  const distinct = await measure(moto, sensorRecords({ sensors: 1_000, readings: 1 }), 500);
  // The reference province at its real rate: 2,000 sensors a minute are 33 records a second, so a 1-second batching
  // window delivers batches of about 33 — 1,000 readings of different sensors in 31 batches.
  const referenceRate = await measure(moto, sensorRecords({ sensors: 2_000, readings: 1 }).slice(0, N), 33);
  const naive = await measureNaive(moto, sensorRecords({ sensors: 200, readings: 5 }));
  const p = summary(primary, N);
  writeResult({
    workload: '200 sensors × 5 readings (1/min) in one 5-minute bucket, batches of 500, rules on',
    ...p,
    distinctSources: { workload: '1,000 sensors × 1 reading, batches of 500', ...summary(distinct, N) },
    referenceRate: { workload: '1,000 readings of different sensors in batches of 33 (2,000 sensors/min, 1 s batching window)', ...summary(referenceRate, N) },
    naive: { workload: 'the primary workload, one PutItem per record', ...summary(naive, N) },
  });
} finally {
  await moto.stop();
}
