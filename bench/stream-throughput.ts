// Benchmark: the stream handler's own CPU throughput on 10,000-record workloads, with the real SDK clients answered
// in-process (bench/fake-aws.ts), against a naive handler that stores each record with its own PutItem.
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { BENCH_CREDENTIALS, FakeDynamo, FakeSns, FakeSqs, fakeRequestHandler } from './fake-aws.ts';
import { REFERENCE, batches, benchProvince, cameraRecords, referenceRecords, sensorRecords } from './workloads.ts';
import { median, writeResult } from './util.ts';

// Lambda logs one INFO line and one EMF blob per batch; here they would only fill the terminal.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, PutCommand } = await import('@aws-sdk/lib-dynamodb');
const { SQSClient } = await import('@aws-sdk/client-sqs');
const { SNSClient } = await import('@aws-sdk/client-sns');
const { makeHandler } = await import('../lambdas/process-stream/handler.ts');
const { parseRecord } = await import('../lambdas/process-stream/process-stream.ts');
const { ObservationStore } = await import('../lambdas/shared/adapters/observation-store.ts');
const { FailureQueue } = await import('../lambdas/shared/adapters/failure-queue.ts');
const { IncidentStore } = await import('../lambdas/shared/adapters/incident-store.ts');
const { RuleStore } = await import('../lambdas/shared/adapters/rule-store.ts');
const { AlertPublisher } = await import('../lambdas/shared/adapters/alert-publisher.ts');
const { textAlertSender } = await import('../lambdas/shared/rule-engine.ts');
const { KpiStore } = await import('../lambdas/shared/adapters/kpi-store.ts');

const region = 'ap-southeast-1';
const { registry } = benchProvince();
const NOW = new Date('2026-11-25T17:00:00Z');

/** The production wiring of process-stream (see its defaultDeps), with every client answered in-process. */
function world() {
  const dynamo = new FakeDynamo();
  const sqs = new FakeSqs();
  const sns = new FakeSns();
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region, credentials: BENCH_CREDENTIALS, requestHandler: fakeRequestHandler(dynamo) }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const sqsClient = new SQSClient({ region, credentials: BENCH_CREDENTIALS, requestHandler: fakeRequestHandler(sqs) });
  const snsClient = new SNSClient({ region, credentials: BENCH_CREDENTIALS, requestHandler: fakeRequestHandler(sns) });
  const rules = new RuleStore(db, 'Registry', registry.rules);
  const handler = makeHandler({
    store: new ObservationStore(db, 'Observations', 90),
    failures: new FailureQueue(sqsClient, 'https://sqs.ap-southeast-1.amazonaws.com/123456789012/failures', 'process-stream'),
    now: () => NOW,
    rules: {
      incidents: new IncidentStore(db, 'Incidents'),
      rules: async () => (await rules.all()).map((r) => r.rule),
      registry,
      alerts: textAlertSender(registry, 'https://ioc.example.vn/', new AlertPublisher(snsClient, 'arn:aws:sns:ap-southeast-1:123456789012:alerts')),
      now: () => NOW,
      kpis: new KpiStore(db, 'Incidents'),
    },
  });
  return { dynamo, sqs, sns, db, handler };
}

/** The naive handler: validates each record like the real one, then one PutItem per record, one after the other. */
function naiveWorld() {
  const dynamo = new FakeDynamo();
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region, credentials: BENCH_CREDENTIALS, requestHandler: fakeRequestHandler(dynamo) }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const store = new ObservationStore(db, 'Observations', 90);
  const handler = async (event: KinesisStreamEvent) => {
    const failures: Array<{ itemIdentifier: string }> = [];
    for (const record of event.Records) {
      const parsed = parseRecord(record);
      if (!('observation' in parsed)) continue;
      try {
        await db.send(new PutCommand({ TableName: 'Observations', Item: store.toItem(parsed.observation) }));
      } catch {
        failures.push({ itemIdentifier: record.kinesis.sequenceNumber });
      }
    }
    return { batchItemFailures: failures };
  };
  return { dynamo, handler };
}

interface Run {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly calls: Record<string, number>;
}

async function timeRun(records: KinesisStreamRecord[], make: () => { dynamo: FakeDynamo; handler: (e: KinesisStreamEvent) => Promise<{ batchItemFailures: unknown[] }> }): Promise<Run> {
  const w = make();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  for (const batch of batches(records, REFERENCE.kinesisBatchSize)) {
    const res = await w.handler({ Records: batch });
    if (res.batchItemFailures.length) throw new Error(`benchmark batch reported ${res.batchItemFailures.length} failures`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu);
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6, calls: { ...w.dynamo.calls } };
}

/** Runs of the headline workload (medians); the single-kind workloads that explain it run once each. */
const RUNS = Number(process.env.BENCH_THROUGHPUT_RUNS ?? 3);
const BREAKDOWN_RUNS = Number(process.env.BENCH_THROUGHPUT_BREAKDOWN_RUNS ?? 1);
const N = 10_000;
const workloads = {
  /** The reference province's stream (2,000 sensors a minute + 50 cameras every 10 s, interleaved): the headline. */
  reference: () => referenceRecords(5).slice(0, N),
  /** 2,000 sensors × 5 readings (one a minute): every batch of 500 carries 500 different sensors. */
  sensors: () => sensorRecords({ sensors: REFERENCE.sensors, readings: N / REFERENCE.sensors }),
  /** 50 cameras × 200 frames (every 10 s, 33 minutes, one crowd in one zone): a batch of 500 is 10 frames of each camera. */
  cameras: () => cameraRecords({ cameras: REFERENCE.cameras, frames: N / REFERENCE.cameras }),
};

// Warm both paths up (JIT, SDK lazy loading) on a small workload before measuring.
await timeRun(sensorRecords({ sensors: 500, readings: 2 }), world);
await timeRun(sensorRecords({ sensors: 500, readings: 2 }), naiveWorld);

const results: Record<string, unknown> = {};
for (const [name, make] of Object.entries(workloads)) {
  const records = make();
  const ours: Run[] = [];
  const naive: Run[] = [];
  const runs = name === 'reference' ? RUNS : BREAKDOWN_RUNS;
  for (let r = 0; r < runs; r++) {
    ours.push(await timeRun(records, world));
    naive.push(await timeRun(records, naiveWorld));
  }
  const rps = median(ours.map((x) => N / x.seconds));
  const baseline = median(naive.map((x) => N / x.seconds));
  results[name] = {
    records: N,
    runs,
    recordsPerSecond: Math.round(rps),
    baselineRecordsPerSecond: Math.round(baseline),
    ratio: Math.round((rps / baseline) * 100) / 100,
    cpuSecondsPerRun: Math.round(median(ours.map((x) => x.cpuSeconds)) * 1000) / 1000,
    baselineCpuSecondsPerRun: Math.round(median(naive.map((x) => x.cpuSeconds)) * 1000) / 1000,
    requests: ours[0]!.calls,
    baselineRequests: naive[0]!.calls,
  };
  console.error(`stream throughput ${name}: ${Math.round(rps)} records/s vs naive ${Math.round(baseline)} (runs: ${ours.map((x) => Math.round(N / x.seconds)).join(', ')} | ${naive.map((x) => Math.round(N / x.seconds)).join(', ')})`);
}

writeResult(results);
