// Rules on the stream against moto: one incident and one alert per sustained condition, across batches, shards and redelivery.
import { describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Camera } from '../../lib/config/schema.ts';
import { makeHandler } from '../../lambdas/process-stream/handler.ts';
import { AlertPublisher } from '../../lambdas/shared/adapters/alert-publisher.ts';
import { FailureQueue } from '../../lambdas/shared/adapters/failure-queue.ts';
import { IncidentStore } from '../../lambdas/shared/adapters/incident-store.ts';
import { ObservationStore } from '../../lambdas/shared/adapters/observation-store.ts';
import type { ProvinceRegistry } from '../../lambdas/shared/province.ts';
import { textAlertSender } from '../../lambdas/shared/rule-engine.ts';
import { createIncidentsTable, createQueue, createTable, createTopicWithQueue, drainQueue, endpoint, motoClients } from '../helpers/aws.ts';
import { kinesisEvent, kinesisRecord } from '../helpers/events.ts';
import { sampleRegistry } from '../helpers/province.ts';

const secondCamera: Camera = {
  id: 'cam-dn-009',
  zone: 'dn-bach-dang',
  name: 'Camera Bạch Đằng 2',
  roi: [[0, 0], [1, 0], [1, 1], [0, 1]],
  intervalSeconds: 10,
  minConfidence: 80,
  guards: { activeHours: true, changeGating: true, adaptiveSampling: true },
};

async function province(registry: ProvinceRegistry = sampleRegistry('da-nang')) {
  const { db, sqs } = motoClients();
  const [obsTable, incidentsTable, failures, topic] = await Promise.all([
    createTable('obs', 'expiresAt'),
    createIncidentsTable(),
    createQueue('failures'),
    createTopicWithQueue(),
  ]);
  const incidents = new IncidentStore(db, incidentsTable);
  const publisher = new AlertPublisher(new SNSClient({ endpoint: endpoint(), region: 'ap-southeast-1' }), topic.topicArn);
  const handler = () =>
    makeHandler({
      store: new ObservationStore(db, obsTable, 90),
      failures: new FailureQueue(sqs, failures, 'process-stream'),
      now: () => new Date('2026-11-25T18:00:00Z'),
      rules: {
        incidents,
        rules: async () => registry.rules,
        registry,
        alerts: textAlertSender(registry, 'https://ioc.danang.example.vn', publisher),
        sleep: async () => undefined,
        now: () => new Date('2026-11-25T18:00:00Z'),
      },
    });
  const allIncidents = async () =>
    (
      await db.send(
        new QueryCommand({ TableName: incidentsTable, IndexName: 'ByOpened', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'INCIDENT' } }),
      )
    ).Items ?? [];
  return { handler, incidents, allIncidents, alerts: () => drainQueue(topic.queueUrl) };
}

const count = (i: number, value: number, o: { source?: string; start?: number; stepS?: number } = {}) => ({
  v: 1,
  id: `${o.source ?? 'cam-dn-001'}-${i}`,
  source: o.source ?? 'cam-dn-001',
  kind: 'people_count',
  zone: 'dn-bach-dang',
  ts: new Date((o.start ?? Date.parse('2026-11-25T15:30:00Z')) + i * (o.stepS ?? 10) * 1000).toISOString(),
  value,
  data: { boxes: [], carried: false },
});

describe('rules on the observation stream', () => {
  it('a sustained night crowd of 1,000 observations opens exactly one incident and sends exactly one alert', async () => {
    // Prepare: 22:30 local onwards (15:30Z), 23 people every 10 s, delivered in batches of 100
    const p = await province();
    const handler = p.handler();

    // Act
    for (let b = 0; b < 10; b++) {
      const batch = Array.from({ length: 100 }, (_, i) => kinesisRecord(count(b * 100 + i, 20 + ((b * 100 + i) % 7))));
      expect((await handler(kinesisEvent(batch))).batchItemFailures).toEqual([]);
    }

    // Assert
    const incidents = await p.allIncidents();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({
      ruleId: 'crowd-bach-dang-night',
      subject: 'dn-bach-dang',
      status: 'open',
      severity: 'high',
      peakValue: 26,
      observationCount: 998,
      openedAt: '2026-11-25T15:30:20.000Z',
    });
    const alerts = await p.alerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.Subject).toContain('Tụ tập đông người ban đêm tại Bạch Đằng');
    const audit = await p.incidents.audit(incidents[0]!.id as string);
    expect(audit.map((a) => a.action)).toEqual(['open']);
    expect((await p.incidents.getIncident(incidents[0]!.id as string))?.pendingAlert).toBeUndefined();
  });

  it('the same crowd at 15:00 local time opens nothing', async () => {
    const p = await province();
    const afternoon = Date.parse('2026-11-25T08:00:00Z');
    await p.handler()(kinesisEvent(Array.from({ length: 50 }, (_, i) => kinesisRecord(count(i, 40, { start: afternoon })))));
    expect(await p.allIncidents()).toEqual([]);
    expect(await p.alerts()).toEqual([]);
  });

  it('a crowd that ends at 05:00 local stops matching: 04:59 counts, 05:00 clears the incident', async () => {
    const p = await province();
    const start = Date.parse('2026-11-25T21:58:30Z'); // 04:58:30 local
    await p.handler()(kinesisEvent(Array.from({ length: 12 }, (_, i) => kinesisRecord(count(i, 30, { start })))));
    const [incident] = await p.allIncidents();
    expect(incident).toMatchObject({ status: 'open', clearSince: '2026-11-25T22:00:00.000Z', observationCount: 7 });
  });

  it('the same batch delivered three times changes nothing after the first', async () => {
    const p = await province();
    const event = kinesisEvent(Array.from({ length: 30 }, (_, i) => kinesisRecord(count(i, 18))));
    for (let k = 0; k < 3; k++) expect((await p.handler()(event)).batchItemFailures).toEqual([]);
    const incidents = await p.allIncidents();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.observationCount).toBe(28);
    expect(await p.alerts()).toHaveLength(1);
  });

  it('two cameras of one zone on two shards, processed concurrently, make one incident and one alert', async () => {
    // Prepare: each camera alone sees 10 people (below 15); together the zone has 20
    const base = sampleRegistry('da-nang');
    const p = await province({ ...base, cameras: [...base.cameras, secondCamera] });
    const shardA = Array.from({ length: 40 }, (_, i) => kinesisRecord(count(i, 10, { source: 'cam-dn-001' })));
    const shardB = Array.from({ length: 40 }, (_, i) => kinesisRecord(count(i, 10, { source: 'cam-dn-009', start: Date.parse('2026-11-25T15:30:05Z') })));

    // Act: two concurrent invocations, each batch in slices, then a redelivery of both
    const run = async (records: typeof shardA) => {
      const h = p.handler();
      for (let i = 0; i < records.length; i += 8) expect((await h(kinesisEvent(records.slice(i, i + 8)))).batchItemFailures).toEqual([]);
    };
    await Promise.all([run(shardA), run(shardB)]);
    await Promise.all([run(shardA), run(shardB)]);

    // Assert
    const incidents = await p.allIncidents();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.peakValue).toBe(20);
    expect(await p.alerts()).toHaveLength(1);
  });

  it('PM2.5 above 150 for 30 minutes (the sustain counted from the first reading above) opens a threshold incident for that sensor', async () => {
    const p = await province();
    const reading = (i: number, value: number) => ({
      v: 1, id: `aq-${i}`, source: 'aq-dn-002', kind: 'pm25', zone: 'dn-cau-rong',
      ts: new Date(Date.parse('2026-11-25T01:00:00Z') + i * 5 * 60_000).toISOString(), value, unit: 'µg/m³',
    });
    const values = [120, 150, 151, 160, 170, 180, 175, 165, 155];
    await p.handler()(kinesisEvent(values.map((v, i) => kinesisRecord(reading(i, v)))));
    const incidents = await p.allIncidents();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ ruleId: 'pm25-unhealthy', subject: 'aq-dn-002', openedAt: '2026-11-25T01:40:00.000Z', peakValue: 155 });
    const [alert] = await p.alerts();
    expect(alert!.Message).toContain('155 µg/m³');
  });
});
