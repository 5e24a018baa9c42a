// A frame's whole journey against moto: camera credential → upload URL → S3 PUT → S3 notification in SQS → analyzer →
// stream → processor → store → operator API; and a supervisor's camera edit reaching the analyzer.
import { DetectLabelsCommand, type DetectLabelsResponse } from '@aws-sdk/client-rekognition';
import { PutBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type {
  APIGatewayProxyEventV2WithLambdaAuthorizer,
  APIGatewayRequestAuthorizerEventV2,
  SQSEvent,
} from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeHandler as makeAuthorizer, type DeviceIdentity } from '../../lambdas/authorize-device/handler.ts';
import { makeHandler as makeProcessor } from '../../lambdas/process-stream/handler.ts';
import { makeHandler as makeFrameUrl } from '../../lambdas/request-frame-url/handler.ts';
import { CameraStore } from '../../lambdas/shared/adapters/camera-store.ts';
import { FailureQueue } from '../../lambdas/shared/adapters/failure-queue.ts';
import { frameKey } from '../../lambdas/shared/adapters/frame-store.ts';
import { createQueue, motoClients, readStreamAsEvent } from '../helpers/aws.ts';
import { httpEvent } from '../helpers/events.ts';
import { claimsFor } from '../helpers/province.ts';
import { CROWD, framesEvent, nightScene, putObject, rekognitionFixture, sqsRecord, visionOperatorApi, visionS3, visionWorld } from '../helpers/vision.ts';

const sixPeople = rekognitionFixture<DetectLabelsResponse>('detect-labels-people-outside-roi');
const NOW = new Date('2026-11-25T15:30:05Z'); // 22:30 in Da Nang

/** Points the bucket's ObjectCreated notifications at a new queue (moto delivers them like S3) and returns its URL. */
async function notifyQueue(s3: ReturnType<typeof visionS3>, bucket: string): Promise<string> {
  const { sqs } = motoClients();
  const queueUrl = await createQueue('frames');
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: { QueueConfigurations: [{ QueueArn: arn, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'frames/' }] } } }] },
    }),
  );
  return queueUrl;
}

/** What SQS holds, as the SQS event source would hand it to the analyzer. */
async function receiveAsEvent(queueUrl: string): Promise<SQSEvent> {
  const { sqs } = motoClients();
  const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  return { Records: (res.Messages ?? []).map((m) => ({ ...sqsRecord(m.Body!), messageId: m.MessageId!, receiptHandle: m.ReceiptHandle! })) };
}

describe('frame journey', () => {
  it('a frame a camera uploads through the API becomes a people count for its zone in the store and the console', async () => {
    // Prepare: the province in moto, its operator API, the frames bucket notifying a queue
    const { sqs } = motoClients();
    const api = await visionOperatorApi({ now: () => NOW });
    const w = await visionWorld({ registryTable: api.tables.registryTable, bucket: api.bucket, now: () => new Date(NOW.getTime() + 3_000) });
    const queueUrl = await notifyQueue(w.s3, api.bucket);
    w.rek.on(DetectLabelsCommand).resolves(sixPeople);
    const authorize = makeAuthorizer({ devices: api.deps.devices });
    const frameUrl = makeFrameUrl({ frames: api.vision.frames, cameras: new CameraStore(motoClients().db, api.tables.registryTable, api.registry.cameras, 0), now: () => NOW });
    const processor = makeProcessor({ store: api.deps.observations, failures: new FailureQueue(sqs, await createQueue('failures'), 'process-stream'), now: () => NOW });

    // Act 1: an admin issues the camera's credential; the camera asks for an upload URL
    const issued = await api.call('POST /devices', { body: { id: 'cam-dn-001' }, claims: claimsFor('admin', 'admin') });
    const authorization = `Device ${issued.body.credential}`;
    const auth = await authorize({ headers: { authorization }, identitySource: [authorization] } as unknown as APIGatewayRequestAuthorizerEventV2);
    const frame = nightScene({ figures: CROWD });
    const ticketRes = await frameUrl(
      httpEvent('POST /cameras/{id}/frames', {
        pathParameters: { id: 'cam-dn-001' },
        authorizerContext: { ...(auth.context as DeviceIdentity) },
        body: { contentType: 'image/jpeg', contentLength: frame.length },
      }) as unknown as APIGatewayProxyEventV2WithLambdaAuthorizer<DeviceIdentity>,
    );
    const ticket = JSON.parse(ticketRes.body!);

    // Act 2: the camera uploads; S3 notifies the queue; Lambda polls it and runs the analyzer
    const put = await fetch(ticket.url, { method: 'PUT', headers: ticket.headers, body: new Uint8Array(frame) });
    const event = await receiveAsEvent(queueUrl);
    const analysed = await w.analyze(event);

    // Act 3: the stream's records reach the processor; an operator reads the camera and its zone
    const processed = await processor(await readStreamAsEvent(w.streamName));
    const operator = claimsFor('hoa', 'operator');
    const zone = await api.call('GET /observations', { query: { zone: 'dn-bach-dang', from: '2026-11-25T15:00:00Z', to: '2026-11-25T16:00:00Z' }, claims: operator });
    const camera = await api.call('GET /cameras/{id}', { pathParameters: { id: 'cam-dn-001' }, claims: operator });

    // Assert
    expect(auth.isAuthorized).toBe(true);
    expect(ticketRes.statusCode).toBe(200);
    expect(put.status).toBe(200);
    expect(event.Records.length).toBeGreaterThanOrEqual(1);
    expect(analysed.batchItemFailures).toEqual([]);
    expect(processed.batchItemFailures).toEqual([]);
    expect(zone.body.items).toEqual([
      expect.objectContaining({ source: 'cam-dn-001', kind: 'people_count', zone: 'dn-bach-dang', ts: '2026-11-25T15:30:05.000Z', value: 4, data: expect.objectContaining({ frameKey: ticket.key, carried: false }) }),
    ]);
    // Arrival is the analyzer's clock (the test's), not S3's eventTime.
    expect(camera.body.health).toMatchObject({ lastFrameAt: '2026-11-25T15:30:08.000Z', lastAnalysedAt: '2026-11-25T15:30:05.000Z', lastCount: 4 });
    expect(camera.body.latestFrame).toMatchObject({ key: ticket.key, count: 4 });
  });

  it("a supervisor's ROI edit reaches the analyzer: the same detections now count differently", async () => {
    // Prepare: cam-dn-002 watches the whole frame (6 people); the edit keeps only the left half
    const api = await visionOperatorApi({ now: () => NOW });
    const w = await visionWorld({ registryTable: api.tables.registryTable, bucket: api.bucket, now: () => NOW });
    w.rek.on(DetectLabelsCommand).resolves(sixPeople);
    const before = frameKey('cam-dn-002', new Date('2026-11-25T15:30:00Z'), 'jpg');
    const after = frameKey('cam-dn-002', new Date('2026-11-25T15:31:00Z'), 'jpg');
    await putObject(api.bucket, before, nightScene({ seed: 1 }));
    await putObject(api.bucket, after, nightScene({ seed: 2, figures: CROWD }));
    const camera = { ...api.registry.cameras[1]!, roi: [[0, 0], [0.5, 0], [0.5, 1], [0, 1]] };

    // Act
    const { analyze, observations } = w;
    await analyze(framesEvent(api.bucket, [before]));
    const edit = await api.call('PUT /cameras/{id}', { pathParameters: { id: 'cam-dn-002' }, claims: claimsFor('minh', 'supervisor'), body: { camera, expectedVersion: 0 } });
    w.clock.now = () => new Date('2026-11-25T15:31:02Z');
    await analyze(framesEvent(api.bucket, [after]));

    // Assert: centres x < 0.5: 0.15, 0.325 → 2 people
    expect(edit.status).toBe(200);
    expect((await observations()).map((o) => o.value)).toEqual([6, 2]);
  });

  it('the analyzer reads the camera edits at most every 30 s (cached), then sees the new version', async () => {
    // Prepare
    const { db } = motoClients();
    const api = await visionOperatorApi({ now: () => NOW });
    let clock = 1_000_000;
    const cached = new CameraStore(db, api.tables.registryTable, api.registry.cameras, 30_000, () => clock);
    expect((await cached.find('cam-dn-001'))!.intervalSeconds).toBe(10);
    await api.vision.cameras.put({ ...api.registry.cameras[0]!, intervalSeconds: 20 }, 0, 'minh', NOW.toISOString());

    // Act
    clock += 29_000;
    const within = (await cached.find('cam-dn-001'))!.intervalSeconds;
    clock += 2_000;
    const afterTtl = (await cached.find('cam-dn-001'))!.intervalSeconds;

    // Assert
    expect([within, afterTtl]).toEqual([10, 20]);
  });
});
