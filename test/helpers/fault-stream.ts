// The stream side of a province in moto for fault tests: the real process-stream handler (rules, alerts, KPIs on),
// Kinesis delivery with Lambda's retry semantics, and a snapshot of everything it stored to compare runs with.
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
import { QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { makeHandler } from '../../lambdas/process-stream/handler.ts';
import { makeHandler as makeSweep } from '../../lambdas/sweep/handler.ts';
import { AlertPublisher } from '../../lambdas/shared/adapters/alert-publisher.ts';
import { FailureQueue } from '../../lambdas/shared/adapters/failure-queue.ts';
import { IncidentStore } from '../../lambdas/shared/adapters/incident-store.ts';
import { KpiStore } from '../../lambdas/shared/adapters/kpi-store.ts';
import { ObservationStore } from '../../lambdas/shared/adapters/observation-store.ts';
import type { ProvinceRegistry } from '../../lambdas/shared/province.ts';
import { textAlertSender } from '../../lambdas/shared/rule-engine.ts';
import { deliverKinesisBatch } from '../../local/event-sources.ts';
import { createIncidentsTable, createQueue, createTable, createTopicWithQueue, endpoint, motoClients } from './aws.ts';
import { kinesisRecord } from './events.ts';
import { sampleRegistry } from './province.ts';

const noSleep = { sleep: async () => undefined };

/** Clients a handler is built with (a fault test swaps in faulty or crashing ones). */
export interface StreamClients {
  readonly db: DynamoDBDocumentClient;
  readonly sqs: ReturnType<typeof motoClients>['sqs'];
  readonly sns: SNSClient;
}

/** Receives and deletes every message now in a queue (bodies parsed), so a later call sees only new ones. */
export async function takeAll(queueUrl: string): Promise<Array<Record<string, any>>> {
  const { sqs } = motoClients();
  const out: Array<Record<string, any>> = [];
  for (;;) {
    const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    const messages = res.Messages ?? [];
    if (messages.length === 0) return out;
    out.push(...messages.map((m) => JSON.parse(m.Body!) as Record<string, any>));
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: messages.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle! })) }));
  }
}

/** Everything a province stored, in a comparable form (table names and volatile fields left out). */
export interface StreamSnapshot {
  /** Observation items (`O#`), by key, without the table keys. */
  readonly observations: Record<string, unknown>;
  /** Rollup items (`R5#`), by key. */
  readonly rollups: Record<string, unknown>;
  /** Incidents by id: what an operator sees of them. */
  readonly incidents: Record<string, unknown>;
  /** Audit actions by incident id. */
  readonly audits: Record<string, string[]>;
  /** Alerts published (opened / escalated), by incident id. */
  readonly alerts: Record<string, string[]>;
}

/**
 * A province's stream side in moto: observations table, incidents table (with its indexes), failure queue and an
 * alert topic whose messages land in an inbox queue. `handler(clients?)` builds the real process-stream handler the
 * way its defaultDeps do (adapters with their retries, rules, alerts and KPIs), on moto or on the given clients.
 */
export async function streamProvince(o: { registry?: ProvinceRegistry; now?: string } = {}) {
  const registry = o.registry ?? sampleRegistry('da-nang');
  const now = () => new Date(o.now ?? '2026-11-25T15:36:00Z');
  const [observationsTable, incidentsTable, failureQueue, topic] = await Promise.all([
    createTable('obs', 'expiresAt'),
    createIncidentsTable(),
    createQueue('failures'),
    createTopicWithQueue(),
  ]);
  const moto: StreamClients = { db: motoClients().db, sqs: motoClients().sqs, sns: new SNSClient({ endpoint: endpoint(), region: 'ap-southeast-1' }) };
  const alertsSeen: Array<Record<string, any>> = [];

  const handler = (c: StreamClients = moto) =>
    makeHandler({
      store: new ObservationStore(c.db, observationsTable, 90, noSleep),
      failures: new FailureQueue(c.sqs, failureQueue, 'process-stream', noSleep),
      now,
      rules: {
        incidents: new IncidentStore(c.db, incidentsTable),
        rules: async () => registry.rules,
        registry,
        alerts: textAlertSender(registry, 'https://ioc.danang.example.vn', new AlertPublisher(c.sns, topic.topicArn)),
        now,
        kpis: new KpiStore(c.db, incidentsTable),
        sleep: async () => undefined,
      },
    });

  /** The sweep at `at` (it retries alerts left pending by a crash after their incident was committed). */
  const sweep = (at: string) =>
    makeSweep(
      {
        incidents: new IncidentStore(moto.db, incidentsTable),
        rules: async () => registry.rules,
        lastSeen: async () => at,
        registry,
        alerts: textAlertSender(registry, 'https://ioc.danang.example.vn', new AlertPublisher(moto.sns, topic.topicArn)),
      },
      () => new Date(at),
    )();

  /** Every alert published so far (kept across calls). */
  const alerts = async () => {
    alertsSeen.push(...(await takeAll(topic.queueUrl)));
    return alertsSeen;
  };

  const scanAll = async (table: string) => {
    const items: Array<Record<string, any>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await moto.db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
      items.push(...(res.Items ?? []));
      start = res.LastEvaluatedKey;
    } while (start);
    return items;
  };

  const snapshot = async (): Promise<StreamSnapshot> => {
    const observations: Record<string, unknown> = {};
    const rollups: Record<string, unknown> = {};
    for (const { pk, sk, ...rest } of await scanAll(observationsTable)) {
      if (String(sk).startsWith('O#')) observations[`${pk}|${sk}`] = rest;
      else rollups[`${pk}|${sk}`] = rest;
    }
    const incidents: Record<string, unknown> = {};
    const audits: Record<string, string[]> = {};
    for (const item of await scanAll(incidentsTable)) {
      if (item.sk === 'INC') {
        incidents[item.id] = {
          ruleId: item.ruleId,
          subject: item.subject,
          status: item.status,
          openedAt: item.openedAt,
          lastSeenAt: item.lastSeenAt,
          peakValue: item.peakValue,
          observationCount: item.observationCount,
          clearSince: item.clearSince ?? null,
          pendingAlert: item.pendingAlert ?? null,
        };
      } else if (String(item.sk).startsWith('AUDIT#')) {
        (audits[String(item.pk).slice(4)] ??= []).push(String(item.action));
      }
    }
    const byIncident: Record<string, string[]> = {};
    for (const a of await alerts()) {
      const attrs = a.MessageAttributes as Record<string, { Value: string }>;
      (byIncident[attrs.incidentId!.Value] ??= []).push(attrs.event!.Value);
    }
    for (const list of Object.values(audits)) list.sort();
    return { observations, rollups, incidents, audits, alerts: byIncident };
  };

  /** Every item (observations and rollups) of one source. */
  const itemsOf = async (source: string) => {
    const items: Array<Record<string, any>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await moto.db.send(
        new QueryCommand({ TableName: observationsTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `S#${source}` }, ExclusiveStartKey: start }),
      );
      items.push(...(res.Items ?? []));
      start = res.LastEvaluatedKey;
    } while (start);
    return items;
  };

  return { registry, observationsTable, incidentsTable, failureQueue, topic, moto, handler, sweep, alerts, snapshot, itemsOf, scanAll };
}

/** The Lambda event source mapping's delivery of batches (bisect on error, 5 retries, partial batch responses). */
export const MAPPING = { bisectOnError: true, maxRetries: 5, reportBatchItemFailures: true } as const;

/** Delivers `records` in batches of `batchSize` to `invoke` as the mapping would; returns what was given up on. */
export async function deliver(records: KinesisStreamRecord[], batchSize: number, invoke: (e: KinesisStreamEvent) => Promise<unknown>) {
  const given: KinesisStreamRecord[] = [];
  let invocations = 0;
  for (let i = 0; i < records.length; i += batchSize) {
    const outcome = await deliverKinesisBatch(records.slice(i, i + batchSize), invoke as (e: unknown) => Promise<unknown>, { batchSize, ...MAPPING });
    invocations += outcome.invocations;
    for (const f of outcome.failed) given.push(...f);
  }
  return { givenUp: given, invocations };
}

const FIRST = Date.parse('2026-11-25T15:30:00Z'); // 22:30 in Da Nang: inside the crowd rules' 22:00–05:00 window

/**
 * A night in Da Nang on the stream, in time order: cam-dn-001 every 10 s for `frames` frames — 5 people, then a
 * crowd of 20 (frames 30–69, above the rule's 15: one incident, one alert), then 5 again (the incident clears) —
 * and the three PM2.5 sensors once a minute (40 µg/m³, below the threshold).
 */
export function nightRecords(frames = 100): KinesisStreamRecord[] {
  const puts: Array<{ t: number; payload: Record<string, unknown>; key: string }> = [];
  for (let i = 0; i < frames; i++) {
    const t = FIRST + i * 10_000;
    const value = i >= 30 && i < 70 ? 20 : 5;
    puts.push({ t, key: 'cam-dn-001', payload: { v: 1, id: `cam-dn-001-${t / 1000}`, source: 'cam-dn-001', kind: 'people_count', zone: 'dn-bach-dang', ts: new Date(t).toISOString(), value, data: { boxes: [], carried: false } } });
  }
  for (let m = 0; m * 60_000 < frames * 10_000; m++) {
    for (const [n, zone] of [[1, 'dn-bach-dang'], [2, 'dn-cau-rong'], [3, 'dn-my-khe']] as const) {
      const t = FIRST + m * 60_000 + n * 1000;
      const source = `aq-dn-00${n}`;
      puts.push({ t, key: source, payload: { v: 1, id: `${source}-${t / 1000}`, source, kind: 'pm25', zone, ts: new Date(t).toISOString(), value: 40 + n, unit: 'µg/m³' } });
    }
  }
  return puts.sort((a, b) => a.t - b.t).map((p) => kinesisRecord(p.payload, p.key));
}
