// The stream processor against moto: poison never blocks, redelivery never doubles, partial writes are retried.
import { BatchWriteCommand, GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { FailureQueue } from '../../lambdas/shared/adapters/failure-queue.ts';
import { ObservationStore } from '../../lambdas/shared/adapters/observation-store.ts';
import { makeHandler } from '../../lambdas/process-stream/handler.ts';
import type { ProcessStreamDeps } from '../../lambdas/process-stream/process-stream.ts';
import { createQueue, createTable, drainQueue, motoClients } from '../helpers/aws.ts';
import { kinesisEvent, kinesisRecord, lambdaContext, observation } from '../helpers/events.ts';

const noSleep = { sleep: async () => undefined };

async function setup(db: DynamoDBDocumentClient = motoClients().db) {
  const table = await createTable('obs', 'expiresAt');
  const queueUrl = await createQueue('failures');
  const deps: ProcessStreamDeps = {
    store: new ObservationStore(db, table, 90, noSleep),
    failures: new FailureQueue(motoClients().sqs, queueUrl, 'process-stream', noSleep),
    now: () => new Date('2026-11-25T15:31:00Z'),
  };
  return { table, queueUrl, deps, handler: makeHandler(deps) };
}

async function itemsOf(table: string, source: string) {
  const res = await motoClients().db.send(
    new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `S#${source}` } }),
  );
  return res.Items ?? [];
}

describe('process-stream', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    env = await setup();
  });

  it('stores valid records and sends each poison record to the failure queue with its reason, without failing the batch', async () => {
    // Prepare
    const good = [0, 1, 2].map((i) => observation({ id: `ok-${i}`, ts: `2026-11-25T15:3${i}:00Z`, value: 10 + i }));
    const records = [
      kinesisRecord(good[0]),
      kinesisRecord('this is {not json'),
      kinesisRecord(good[1]),
      kinesisRecord(observation({ value: 'high' })),
      kinesisRecord(observation({ data: { blob: 'x'.repeat(40_000) } })),
      kinesisRecord(Buffer.from([0xff, 0xfe, 0x00])),
      kinesisRecord(good[2]),
    ];

    // Act
    const res = await env.handler(kinesisEvent(records), lambdaContext());

    // Assert
    expect(res.batchItemFailures).toEqual([]);
    const items = await itemsOf(env.table, 'aq-dn-001');
    expect(items.filter((i) => String(i.sk).startsWith('O#')).map((i) => i.id)).toEqual(['ok-0', 'ok-1', 'ok-2']);
    const dlq = await drainQueue(env.queueUrl);
    expect(dlq.map((m) => m.reason).sort()).toEqual(['invalid-json', 'invalid-json', 'invalid-schema', 'oversized']);
    const schemaFailure = dlq.find((m) => m.reason === 'invalid-schema')!;
    expect(schemaFailure.detail).toContain('$.value');
    expect(schemaFailure.id).toBe(records[3]!.kinesis.sequenceNumber);
    expect((schemaFailure.item as { data: string }).data).toBe(records[3]!.kinesis.data);
  });

  it('writes each observation once and keeps rollups exact when the same batch is delivered three times', async () => {
    // Prepare: five readings in one 5-minute bucket, one in the next
    const obs = [
      ...[10, 20, 30, 40, 50].map((value, i) => observation({ id: `r-${i}`, ts: `2026-11-25T15:3${i}:10Z`, value })),
      observation({ id: 'r-5', ts: '2026-11-25T15:35:00Z', value: 7 }),
    ];
    const event = kinesisEvent(obs.map((o) => kinesisRecord(o)));

    // Act
    for (let i = 0; i < 3; i++) expect((await env.handler(event)).batchItemFailures).toEqual([]);

    // Assert
    const items = await itemsOf(env.table, 'aq-dn-001');
    expect(items.filter((i) => String(i.sk).startsWith('O#'))).toHaveLength(6);
    const rollups = items.filter((i) => String(i.sk).startsWith('R5#'));
    expect(rollups.map((r) => [r.bucket, r.count, r.min, r.max, r.mean])).toEqual([
      ['2026-11-25T15:30:00.000Z', 5, 10, 50, 30],
      ['2026-11-25T15:35:00.000Z', 1, 7, 7, 7],
    ]);
  });

  it('writes an observation carried twice in one batch once', async () => {
    const o = observation({ id: 'dup' });
    const res = await env.handler(kinesisEvent([kinesisRecord(o), kinesisRecord(o)]));
    expect(res.batchItemFailures).toEqual([]);
    expect((await itemsOf(env.table, 'aq-dn-001')).filter((i) => String(i.sk).startsWith('O#'))).toHaveLength(1);
  });

  it('sets the TTL from the observation time and the retention', async () => {
    const o = observation({ id: 'ttl', ts: '2026-11-25T15:30:00+07:00' });
    await env.handler(kinesisEvent([kinesisRecord(o)]));
    const item = await motoClients().db.send(
      new GetCommand({ TableName: env.table, Key: { pk: 'S#aq-dn-001', sk: 'O#2026-11-25T08:30:00.000Z#ttl' } }),
    );
    expect(item.Item?.expiresAt).toBe(Date.parse('2026-11-25T08:30:00Z') / 1000 + 90 * 86_400);
  });

  it('retries UnprocessedItems until every observation is stored', async () => {
    // Prepare: a client that leaves half of every first BatchWriteItem unprocessed
    const real = motoClients().db;
    let calls = 0;
    const flaky = {
      send: async (cmd: unknown) => {
        if (cmd instanceof BatchWriteCommand && calls++ % 2 === 0) {
          const [table, reqs] = Object.entries(cmd.input.RequestItems!)[0]!;
          const half = Math.ceil(reqs.length / 2);
          await real.send(new BatchWriteCommand({ RequestItems: { [table]: reqs.slice(0, half) } }));
          return { UnprocessedItems: { [table]: reqs.slice(half) } };
        }
        return real.send(cmd as never);
      },
    } as unknown as DynamoDBDocumentClient;
    const { table, handler } = await setup(flaky);
    const obs = Array.from({ length: 60 }, (_, i) =>
      observation({ id: `u-${i}`, source: `s-${i % 7}x`, ts: `2026-11-25T15:${String(i % 60).padStart(2, '0')}:00Z` }),
    );

    // Act
    const res = await handler(kinesisEvent(obs.map((o) => kinesisRecord(o))));

    // Assert
    expect(res.batchItemFailures).toEqual([]);
    expect(calls).toBeGreaterThan(4);
    let stored = 0;
    for (let s = 0; s < 7; s++) stored += (await itemsOf(table, `s-${s}x`)).filter((i) => String(i.sk).startsWith('O#')).length;
    expect(stored).toBe(60);
  });

  it('reports records whose writes keep failing, so Lambda retries them, and nothing else', async () => {
    const broken = {
      send: async () => {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
      },
    } as unknown as DynamoDBDocumentClient;
    const { handler, queueUrl } = await setup(broken);
    const records = [kinesisRecord(observation()), kinesisRecord('nope'), kinesisRecord(observation())];

    const res = await handler(kinesisEvent(records));

    expect(res.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      [records[0]!.kinesis.sequenceNumber, records[2]!.kinesis.sequenceNumber].sort(),
    );
    expect((await drainQueue(queueUrl)).map((m) => m.reason)).toEqual(['invalid-json']);
  });

  it('reports poison records as failures when the failure queue cannot take them, so none is lost', async () => {
    const deps: ProcessStreamDeps = {
      ...env.deps,
      failures: new FailureQueue(motoClients().sqs, `${env.queueUrl}-missing`, 'process-stream', noSleep),
    };
    const bad = kinesisRecord('nope');
    const res = await makeHandler(deps)(kinesisEvent([kinesisRecord(observation()), bad]));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: bad.kinesis.sequenceNumber }]);
  });
});
