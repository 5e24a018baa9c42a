// Clips end to end with Rekognition mocked: POST /clips → StartLabelDetection → SNS completion → per-second counts.
import {
  GetLabelDetectionCommand,
  RekognitionClient,
  StartLabelDetectionCommand,
  ThrottlingException,
  VideoTooLargeException,
  type GetLabelDetectionResponse,
} from '@aws-sdk/client-rekognition';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { makeHandler as makeFinishClip } from '../../lambdas/finish-clip/handler.ts';
import { makeHandler as makeStartClip } from '../../lambdas/start-clip/handler.ts';
import { clipIdOf } from '../../lambdas/start-clip/start-clip.ts';
import { CameraStore } from '../../lambdas/shared/adapters/camera-store.ts';
import { KinesisStreamWriter } from '../../lambdas/shared/adapters/stream-writer.ts';
import { RekognitionAdapter } from '../../lambdas/shared/adapters/rekognition.ts';
import { createStream, motoClients } from '../helpers/aws.ts';
import { httpEvent } from '../helpers/events.ts';
import { claimsFor } from '../helpers/province.ts';
import {
  RecordingLog,
  RecordingMetrics,
  putObject,
  rekognitionFixture,
  snsEvent,
  syntheticMp4,
  visionOperatorApi,
  visionS3,
} from '../helpers/vision.ts';

const page1 = rekognitionFixture<GetLabelDetectionResponse>('get-label-detection-page-1');
const page2 = rekognitionFixture<GetLabelDetectionResponse>('get-label-detection-page-2');
const operator = claimsFor('hoa', 'operator');
const NOW = new Date('2026-11-25T16:00:00Z');
const CHANNEL = { topicArn: 'arn:aws:sns:ap-southeast-1:123456789012:smartcity-da-nang-clip-done', roleArn: 'arn:aws:iam::123456789012:role/smartcity-da-nang-RekognitionClipRole' };

async function clipWorld(o: { dailyCap?: number } = {}) {
  const api = await visionOperatorApi({ now: () => NOW, dailyCap: o.dailyCap ?? 1000 });
  const { db, kinesis } = motoClients();
  const streamName = await createStream('clips');
  const client = new RekognitionClient({ region: 'ap-southeast-1' });
  const rek = mockClient(client);
  const metrics = new RecordingMetrics();
  const log = new RecordingLog();
  const common = { clips: api.vision.clips, usage: api.vision.usage, rekognition: new RekognitionAdapter(client), metrics, log, now: () => NOW };
  const startWith = (dailyCap: number) =>
    makeStartClip({
      ...common,
      modules: api.registry.modules,
      bucket: api.bucket,
      dailyCap,
      channel: CHANNEL,
      cameras: new CameraStore(db, api.tables.registryTable, api.registry.cameras, 0),
      objects: api.vision.frames,
    });
  let start = startWith(o.dailyCap ?? 1000);
  const finish = makeFinishClip({ ...common, stream: new KinesisStreamWriter(kinesis, streamName, { attempts: 2, baseMs: 1, maxMs: 2 }) });
  const post = async (body: unknown, claims: Record<string, string> | null = operator) => {
    const res = await start(httpEvent('POST /clips', { body, ...(claims ? { claims } : {}) }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer);
    return { status: res.statusCode!, body: JSON.parse(res.body!), headers: res.headers ?? {} };
  };
  const observations = async () => {
    const { readStreamAsEvent } = await import('../helpers/aws.ts');
    return (await readStreamAsEvent(streamName)).Records.map((r) => JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8')));
  };
  return { api, rek, rekognition: common.rekognition, metrics, log, post, finish, observations, setCap: (cap: number) => (start = startWith(cap)) };
}

const completion = (jobId: string, jobTag: string, status = 'SUCCEEDED', key = 'clips/cam-dn-001/2026/11/25/ben-song.mp4') => ({
  JobId: jobId,
  Status: status,
  API: 'StartLabelDetection',
  JobTag: jobTag,
  Timestamp: 1764086400000,
  Video: { S3ObjectName: key, S3Bucket: 'frames-bucket' },
});

describe('POST /clips (start-clip)', () => {
  it('starts Person label detection with the SNS channel, the role, JobTag and token = clip id, and reserves the minutes', async () => {
    // Prepare: a 5-second MP4 (moov at the end, as cameras write it)
    const w = await clipWorld();
    const key = 'clips/cam-dn-001/2026/11/25/ben-song.mp4';
    await putObject(w.api.bucket, key, syntheticMp4({ seconds: 5 }), 'video/mp4');
    w.rek.on(StartLabelDetectionCommand).resolves({ JobId: 'job-0001' });
    const id = clipIdOf('cam-dn-001', key);

    // Act
    const res = await w.post({ cameraId: 'cam-dn-001', key, startedAt: '2026-11-25T15:50:00Z' });

    // Assert
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id, status: 'IN_PROGRESS', jobId: 'job-0001', durationSource: 'mp4-header', estimatedSeconds: 5, reservedUnits: 100, requestedBy: 'hoa' });
    expect(w.rek).toHaveReceivedCommandExactlyOnceWith(StartLabelDetectionCommand, {
      Video: { S3Object: { Bucket: w.api.bucket, Name: key } },
      NotificationChannel: { SNSTopicArn: CHANNEL.topicArn, RoleArn: CHANNEL.roleArn },
      JobTag: id,
      ClientRequestToken: id,
      MinConfidence: 80,
      Features: ['GENERAL_LABELS'],
      Settings: { GeneralLabels: { LabelInclusionFilters: ['Person'] } },
    });
    expect(await w.api.vision.usage.get('2026-11-25')).toMatchObject({ calls: 100, clipUnits: 100 });
    const read = await w.api.call('GET /clips/{id}', { pathParameters: { id }, claims: operator });
    expect(read).toMatchObject({ status: 200, body: { id, status: 'IN_PROGRESS', jobId: 'job-0001', cameraId: 'cam-dn-001', key, startedAt: '2026-11-25T15:50:00.000Z' } });
  });

  it('asked again, returns the running clip (200) without a second job or a second reservation', async () => {
    // Prepare
    const w = await clipWorld();
    const key = 'clips/cam-dn-001/again.mp4';
    await putObject(w.api.bucket, key, syntheticMp4({ seconds: 30 }), 'video/mp4');
    w.rek.on(StartLabelDetectionCommand).resolves({ JobId: 'job-0002' });

    // Act
    const first = await w.post({ cameraId: 'cam-dn-001', key });
    const second = await w.post({ cameraId: 'cam-dn-001', key });

    // Assert
    expect([first.status, second.status]).toEqual([202, 200]);
    expect(second.body).toMatchObject({ id: first.body.id, jobId: 'job-0002' });
    expect(w.rek).toHaveReceivedCommandTimes(StartLabelDetectionCommand, 1);
    expect((await w.api.vision.usage.get('2026-11-25')).calls).toBe(100);
  });

  it('over the daily cap: 429 with Retry-After, the clip CAPPED, no job; with room again a new attempt starts', async () => {
    // Prepare: a 90-second clip needs 200 units; the cap is 150
    const w = await clipWorld({ dailyCap: 150 });
    const key = 'clips/cam-dn-001/long.mp4';
    await putObject(w.api.bucket, key, syntheticMp4({ seconds: 90 }), 'video/mp4');
    w.rek.on(StartLabelDetectionCommand).resolves({ JobId: 'job-0003' });
    const id = clipIdOf('cam-dn-001', key);

    // Act
    const refused = await w.post({ cameraId: 'cam-dn-001', key });
    const record = await w.api.call('GET /clips/{id}', { pathParameters: { id }, claims: operator });
    w.setCap(1000);
    const retried = await w.post({ cameraId: 'cam-dn-001', key });

    // Assert
    expect(refused).toMatchObject({ status: 429, body: { error: 'daily_cap_reached' }, headers: { 'retry-after': String(8 * 3600) } });
    expect(record.body).toMatchObject({ status: 'CAPPED', reservedUnits: 0 });
    expect(w.metrics.counts.ClipAnalysesCapped).toBe(1);
    expect(retried).toMatchObject({ status: 202, body: { attempt: 2, reservedUnits: 200 } });
    expect(w.rek).toHaveReceivedCommandExactlyOnceWith(StartLabelDetectionCommand, { ClientRequestToken: `${id}-2`, JobTag: id });
    expect((await w.api.vision.usage.get('2026-11-25')).calls).toBe(200);
  });

  it('estimates the duration from the size when the object has no readable MP4 header', async () => {
    // Prepare: 500 kB that is not an MP4: 4 s at the assumed 1 Mbit/s
    const w = await clipWorld();
    const key = 'clips/cam-dn-001/raw.mov';
    await putObject(w.api.bucket, key, new Uint8Array(500_000).fill(7), 'video/quicktime');
    w.rek.on(StartLabelDetectionCommand).resolves({ JobId: 'job-0004' });

    // Act
    const res = await w.post({ cameraId: 'cam-dn-001', key });

    // Assert
    expect(res.body).toMatchObject({ durationSource: 'size-estimate', estimatedSeconds: 4, reservedUnits: 100 });
  });

  it('a start Rekognition throttles answers 503, records FAILED and gives the reservation back; a too-large video 400', async () => {
    // Prepare
    const w = await clipWorld();
    const a = 'clips/cam-dn-001/a.mp4';
    const b = 'clips/cam-dn-002/b.mp4';
    await putObject(w.api.bucket, a, syntheticMp4({ seconds: 10 }), 'video/mp4');
    await putObject(w.api.bucket, b, syntheticMp4({ seconds: 10 }), 'video/mp4');
    w.rek
      .on(StartLabelDetectionCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }))
      .rejectsOnce(new VideoTooLargeException({ message: 'Video too large', $metadata: {} }));

    // Act
    const throttled = await w.post({ cameraId: 'cam-dn-001', key: a });
    const tooLarge = await w.post({ cameraId: 'cam-dn-002', key: b });

    // Assert
    expect(throttled).toMatchObject({ status: 503, body: { error: 'rekognition_unavailable' } });
    expect(tooLarge).toMatchObject({ status: 400, body: { error: 'clip_rejected', problems: [{ path: '$.key' }] } });
    expect(await w.api.vision.clips.get(clipIdOf('cam-dn-001', a))).toMatchObject({ status: 'FAILED', reason: expect.stringContaining('ThrottlingException') });
    expect((await w.api.vision.usage.get('2026-11-25')).calls).toBe(0);
    expect(w.metrics.counts.ClipAnalysesFailed).toBe(2);
  });

  it('validates: a key outside clips/<cameraId>/ (400), an unknown camera or a missing object (404), no token (401)', async () => {
    // Prepare
    const w = await clipWorld();

    // Act
    const elsewhere = await w.post({ cameraId: 'cam-dn-001', key: 'clips/cam-dn-002/x.mp4' });
    const frame = await w.post({ cameraId: 'cam-dn-001', key: 'frames/cam-dn-001/x.jpg' });
    const unknown = await w.post({ cameraId: 'cam-zz-001', key: 'clips/cam-zz-001/x.mp4' });
    const missing = await w.post({ cameraId: 'cam-dn-001', key: 'clips/cam-dn-001/none.mp4' });
    const anonymous = await w.post({ cameraId: 'cam-dn-001', key: 'clips/cam-dn-001/none.mp4' }, null);

    // Assert
    expect(elsewhere).toMatchObject({ status: 400, body: { problems: [{ path: '$.key' }] } });
    expect(frame.status).toBe(400);
    expect(unknown).toMatchObject({ status: 404, body: { problems: [{ path: '$.cameraId' }] } });
    expect(missing).toMatchObject({ status: 404, body: { problems: [{ path: '$.key' }] } });
    expect(anonymous.status).toBe(401);
    expect(w.rek).not.toHaveReceivedCommand(StartLabelDetectionCommand);
  });
});

describe('finish-clip', () => {
  async function started(w: Awaited<ReturnType<typeof clipWorld>>, body: Record<string, unknown> = {}) {
    const key = 'clips/cam-dn-001/2026/11/25/ben-song.mp4';
    await putObject(w.api.bucket, key, syntheticMp4({ seconds: 5 }), 'video/mp4');
    w.rek.on(StartLabelDetectionCommand).resolves({ JobId: 'job-0100' });
    const res = await w.post({ cameraId: 'cam-dn-001', key, ...body });
    expect(res.status).toBe(202);
    return { id: res.body.id as string, key };
  }

  it('pages through GetLabelDetection and emits one observation per second of the clip, in the camera ROI', async () => {
    // Prepare
    const w = await clipWorld();
    const { id, key } = await started(w, { startedAt: '2026-11-25T15:50:00Z' });
    w.rek.on(GetLabelDetectionCommand).resolvesOnce(page1).resolvesOnce(page2);

    // Act
    const outcomes = await w.finish(snsEvent(completion('job-0100', id)));

    // Assert
    expect(outcomes).toEqual(['succeeded']);
    const calls = w.rek.commandCalls(GetLabelDetectionCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      { JobId: 'job-0100', MaxResults: 1000, NextToken: undefined, SortBy: 'TIMESTAMP', AggregateBy: 'TIMESTAMPS' },
      { JobId: 'job-0100', MaxResults: 1000, NextToken: page1.NextToken, SortBy: 'TIMESTAMP', AggregateBy: 'TIMESTAMPS' },
    ]);
    const obs = await w.observations();
    expect(obs.map((o) => [o.id, o.ts, o.value])).toEqual([
      [`clip-${id}-0`, '2026-11-25T15:50:00.000Z', 3],
      [`clip-${id}-1`, '2026-11-25T15:50:01.000Z', 3],
      [`clip-${id}-2`, '2026-11-25T15:50:02.000Z', 2],
      [`clip-${id}-3`, '2026-11-25T15:50:03.000Z', 5],
      [`clip-${id}-4`, '2026-11-25T15:50:04.000Z', 0],
    ]);
    expect(obs[0]).toMatchObject({ v: 1, source: 'cam-dn-001', kind: 'people_count', zone: 'dn-bach-dang', data: { clipId: id, clipKey: key, second: 0, carried: false } });
    expect(await w.api.vision.clips.get(id)).toMatchObject({ status: 'SUCCEEDED', summary: { seconds: 5, maxCount: 5, durationMillis: 5000, units: 100 } });
    expect((await w.api.vision.usage.get('2026-11-25')).calls).toBe(100);
    expect(w.metrics.counts).toMatchObject({ ClipAnalysesSucceeded: 1, ClipObservations: 5 });
  });

  it('without startedAt, the clip starts at the object upload time minus its duration', async () => {
    // Prepare
    const w = await clipWorld();
    const { id, key } = await started(w);
    const uploaded = (await visionS3().send(new HeadObjectCommand({ Bucket: w.api.bucket, Key: key }))).LastModified!;
    w.rek.on(GetLabelDetectionCommand).resolvesOnce(page1).resolvesOnce(page2);

    // Act
    await w.finish(snsEvent(completion('job-0100', id)));

    // Assert
    const [first] = await w.observations();
    expect(first.ts).toBe(new Date(uploaded.getTime() - 5000).toISOString());
  });

  it('is idempotent on SNS redelivery: no second read, no second set of observations', async () => {
    // Prepare
    const w = await clipWorld();
    const { id } = await started(w);
    w.rek.on(GetLabelDetectionCommand).resolvesOnce(page1).resolvesOnce(page2);
    await w.finish(snsEvent(completion('job-0100', id)));

    // Act
    const again = await w.finish(snsEvent(completion('job-0100', id)));

    // Assert
    expect(again).toEqual(['duplicate']);
    expect(w.rek).toHaveReceivedCommandTimes(GetLabelDetectionCommand, 2);
    expect(await w.observations()).toHaveLength(5);
  });

  it('a FAILED job: the clip FAILED with the reason, ClipAnalysesFailed counted, the reservation given back', async () => {
    // Prepare
    const w = await clipWorld();
    const { id } = await started(w);
    w.rek.on(GetLabelDetectionCommand).resolves({ JobStatus: 'FAILED', StatusMessage: 'Unsupported codec.' });

    // Act
    const outcomes = await w.finish(snsEvent(completion('job-0100', id, 'FAILED')));

    // Assert
    expect(outcomes).toEqual(['failed']);
    expect(await w.api.vision.clips.get(id)).toMatchObject({ status: 'FAILED', reason: 'Rekognition Video FAILED: Unsupported codec.' });
    expect(w.metrics.counts.ClipAnalysesFailed).toBe(1);
    expect((await w.api.vision.usage.get('2026-11-25')).calls).toBe(0);
    expect(await w.observations()).toEqual([]);
  });

  it('a Kinesis outage fails the invocation (retried by Lambda); the retry emits the same ids once', async () => {
    // Prepare
    const w = await clipWorld();
    const { id } = await started(w, { startedAt: '2026-11-25T15:50:00Z' });
    w.rek.on(GetLabelDetectionCommand).resolves(page2);
    const failing = makeFinishClip({
      clips: w.api.vision.clips,
      usage: w.api.vision.usage,
      rekognition: w.rekognition,
      stream: { put: async (o) => o.map((_, index) => ({ index, reason: 'stream unavailable' })) },
      metrics: new RecordingMetrics(),
      log: new RecordingLog(),
      now: () => NOW,
    });

    // Act / Assert
    await expect(failing(snsEvent(completion('job-0100', id)))).rejects.toThrow(/not put on the stream/);
    expect(await w.api.vision.clips.get(id)).toMatchObject({ status: 'IN_PROGRESS' });
    expect(await w.finish(snsEvent(completion('job-0100', id)))).toEqual(['succeeded']);
    expect((await w.observations()).map((o) => o.id)).toEqual([0, 1, 2, 3, 4].map((s) => `clip-${id}-${s}`));
  });

  it('ignores notifications of other APIs, unknown clips and earlier attempts', async () => {
    // Prepare
    const w = await clipWorld();
    const { id } = await started(w);

    // Act
    const outcomes = await w.finish({
      Records: [
        ...snsEvent({ ...completion('job-0100', id), API: 'StartFaceDetection' }).Records,
        ...snsEvent(completion('job-9999', 'ffffffffffffffff')).Records,
        ...snsEvent(completion('job-0001-old', id)).Records,
        ...snsEvent('not json').Records,
      ],
    });

    // Assert
    expect(outcomes).toEqual(['ignored', 'ignored', 'ignored', 'ignored']);
    expect(w.metrics.counts.ClipNotificationsIgnored).toBe(4);
    expect(w.rek).not.toHaveReceivedCommand(GetLabelDetectionCommand);
  });
});
