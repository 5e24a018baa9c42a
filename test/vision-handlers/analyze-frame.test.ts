// Frame analyzer against moto (S3, DynamoDB, Kinesis, SNS) with Rekognition mocked: S3 event → count on the stream.
import { DetectLabelsCommand, type DetectLabelsResponse } from '@aws-sdk/client-rekognition';
import { describe, expect, it } from 'vitest';
import { frameObservationId } from '../../lambdas/analyze-frame/analyze-frame.ts';
import { frameKey } from '../../lambdas/shared/adapters/frame-store.ts';
import { utcDay } from '../../lambdas/shared/adapters/usage-counter.ts';
import { detectLabelsRequestFor } from '../../lambdas/shared/domain/people-count.ts';
import { observationSchema } from '../../lambdas/shared/domain/observation.ts';
import { lambdaContext } from '../helpers/events.ts';
import {
  CROWD,
  framesEvent,
  nightScene,
  putObject,
  rekognitionFixture,
  s3Record,
  sqsRecord,
  unguarded,
  visionRegistry,
  visionWorld,
} from '../helpers/vision.ts';


const outsideRoi = rekognitionFixture<DetectLabelsResponse>('detect-labels-people-outside-roi');
const subLabels = rekognitionFixture<DetectLabelsResponse>('detect-labels-person-sublabels');
const TAKEN = new Date('2026-11-25T15:30:00Z'); // 22:30 in Da Nang: inside cam-dn-001's active hours (18:00-06:00)

describe('analyze-frame: S3 notification → people count on the stream', () => {
  it('counts the people whose box centre lies in the camera ROI and puts one observation for the zone', async () => {
    // Prepare: a night frame of cam-dn-001 in moto; Rekognition sees 6 people, 2 of them above the ROI
    const w = await visionWorld();
    const key = frameKey('cam-dn-001', TAKEN, 'jpg', '0a1b2c3d');
    await putObject(w.bucket, key, nightScene({ figures: CROWD }));
    w.rek.on(DetectLabelsCommand).resolves(outsideRoi);

    // Act
    const res = await w.analyze(framesEvent(w.bucket, [key]), lambdaContext('analyze-frame'));

    // Assert: no failure, Person-only DetectLabels on the S3 object, 4 people in the zone on the stream
    expect(res.batchItemFailures).toEqual([]);
    expect(w.rek).toHaveReceivedCommandExactlyOnceWith(DetectLabelsCommand, { ...detectLabelsRequestFor(w.bucket, key, 80) });
    const [obs, ...more] = await w.observations();
    expect(more).toEqual([]);
    expect(observationSchema.parse(obs)).toEqual(obs);
    expect(obs).toEqual({
      v: 1,
      id: frameObservationId(key),
      source: 'cam-dn-001',
      kind: 'people_count',
      zone: 'dn-bach-dang',
      ts: '2026-11-25T15:30:00.000Z',
      value: 4,
      data: {
        boxes: [
          [0.12, 0.6, 0.06, 0.25],
          [0.3, 0.55, 0.05, 0.22],
          [0.55, 0.45, 0.1, 0.3],
          [0.66, 0.6, 0.05, 0.2],
        ],
        confidence: 94.2,
        frameKey: key,
        carried: false,
      },
    });
    const state = await w.stores.state.get('cam-dn-001');
    expect(state).toMatchObject({ lastAnalysedKey: key, lastAnalysedAt: TAKEN.toISOString(), lastCount: 4, lastFrameKey: key, lastCarried: false });
    expect(state!.signature).toMatch(/^g16:/);
    expect(await w.stores.usage.get(utcDay(w.clock.now()))).toMatchObject({ calls: 1, frames: 1, outcomes: { analysed: 1 } });
    expect(w.metrics.counts).toMatchObject({ FramesReceived: 1, FramesAnalysed: 1 });
  });

  it('counts Person instances only (sub-labels repeat the boxes) above the camera confidence floor', async () => {
    // Prepare: cam-dn-002 watches the whole frame; the response has Adult/Man/Woman sub-labels and one weak instance
    const w = await visionWorld();
    const key = frameKey('cam-dn-002', TAKEN, 'jpg', '11111111');
    await putObject(w.bucket, key, nightScene({ figures: CROWD.slice(0, 3) }));
    w.rek.on(DetectLabelsCommand).resolves(subLabels);

    // Act
    await w.analyze(framesEvent(w.bucket, [key]));

    // Assert: 3 people (61.73 % is under the floor of 80), zone dn-cau-rong
    const [obs] = await w.observations();
    expect(obs).toMatchObject({ source: 'cam-dn-002', zone: 'dn-cau-rong', value: 3, data: { confidence: 95 } });
  });

  it('handles every message of the batch and every S3 record inside a message', async () => {
    // Prepare: one message with two records (two cameras), a second message with a third camera
    const registry = visionRegistry([unguarded('cam-a'), unguarded('cam-b'), unguarded('cam-c', 'dn-my-khe')]);
    const w = await visionWorld({ registry });
    const keys = ['cam-a', 'cam-b', 'cam-c'].map((c) => frameKey(c, TAKEN, 'jpg', 'abcdef01'));
    await Promise.all(keys.map((k) => putObject(w.bucket, k, nightScene())));
    w.rek.on(DetectLabelsCommand).resolves(outsideRoi);
    const event = {
      Records: [
        sqsRecord({ Records: [s3Record(w.bucket, keys[0]!), s3Record(w.bucket, keys[1]!)] }),
        sqsRecord({ Records: [s3Record(w.bucket, keys[2]!)] }),
      ],
    };

    // Act
    const res = await w.analyze(event);

    // Assert
    expect(res.batchItemFailures).toEqual([]);
    expect(w.rek).toHaveReceivedCommandTimes(DetectLabelsCommand, 3);
    const obs = await w.observations();
    expect(obs.map((o) => `${o.source}:${o.zone}:${o.value}`).sort()).toEqual(['cam-a:dn-bach-dang:6', 'cam-b:dn-bach-dang:6', 'cam-c:dn-my-khe:6']);
  });

  it('URL-decodes keys: percent-encoded characters are decoded, "+" is a space (not a frame key: ignored, not retried)', async () => {
    // Prepare: a real frame whose key arrives fully percent-encoded, and an upload named with a space
    const w = await visionWorld({ registry: visionRegistry([unguarded('cam-a')]) });
    const key = frameKey('cam-a', TAKEN, 'jpg', 'deadbeef');
    await putObject(w.bucket, key, nightScene());
    w.rek.on(DetectLabelsCommand).resolves(outsideRoi);
    const percentEncoded = [...key].map((c) => (c === '/' ? c : `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)).join('');
    const withSpace = 'frames/cam-a/2026/11/25/my+frame.jpg';

    // Act
    const res = await w.analyze({ Records: [sqsRecord({ Records: [s3Record(w.bucket, percentEncoded), s3Record(w.bucket, withSpace)] })] });

    // Assert: the decoded key was analysed; the other was counted as malformed with its decoded name
    expect(res.batchItemFailures).toEqual([]);
    expect(w.rek).toHaveReceivedCommandExactlyOnceWith(DetectLabelsCommand, { ...detectLabelsRequestFor(w.bucket, key, 80) });
    expect((await w.observations()).map((o) => o.data?.frameKey)).toEqual([key]);
    expect(w.metrics.counts.FramesMalformedKey).toBe(1);
    expect(w.log.lines.find((l) => l.msg.startsWith('not a frame'))?.extra.key).toBe('frames/cam-a/2026/11/25/my frame.jpg');
  });

  it('logs and counts unknown cameras, malformed keys and foreign buckets without retrying or calling Rekognition', async () => {
    // Prepare
    const w = await visionWorld();
    const unknown = frameKey('cam-zz-999', TAKEN, 'jpg', '12345678');
    const event = {
      Records: [
        sqsRecord({ Records: [s3Record(w.bucket, unknown)] }),
        sqsRecord({ Records: [s3Record(w.bucket, 'frames/cam-dn-001/latest.jpg')] }),
        sqsRecord({ Records: [s3Record('another-bucket', frameKey('cam-dn-001', TAKEN, 'jpg', '12345678'))] }),
      ],
    };

    // Act
    const res = await w.analyze(event);

    // Assert
    expect(res.batchItemFailures).toEqual([]);
    expect(w.rek).not.toHaveReceivedCommand(DetectLabelsCommand);
    expect(await w.observations()).toEqual([]);
    expect(w.metrics.counts).toMatchObject({ FramesUnknownCamera: 1, FramesMalformedKey: 2 });
    expect((await w.stores.usage.get(utcDay(w.clock.now()))).outcomes.ignored).toBe(3);
  });

  it("ignores S3's test event and lets a message that is not an S3 notification fail (to end in the DLQ)", async () => {
    // Prepare
    const w = await visionWorld();
    const test = sqsRecord({ Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2026-11-25T15:00:00.000Z', Bucket: w.bucket });
    const garbage = sqsRecord('this is not JSON');
    const wrongShape = sqsRecord({ Records: [{ eventName: 'ObjectCreated:Put' }] });

    // Act
    const res = await w.analyze({ Records: [test, garbage, wrongShape] });

    // Assert
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: garbage.messageId }, { itemIdentifier: wrongShape.messageId }]);
    expect(w.metrics.counts.FrameMessagesInvalid).toBe(2);
    expect(w.log.lines.filter((l) => l.level === 'error').map((l) => l.extra.messageId)).toEqual([garbage.messageId, wrongShape.messageId]);
  });

  it('unwraps an S3 notification delivered through SNS to the queue', async () => {
    // Prepare
    const w = await visionWorld({ registry: visionRegistry([unguarded('cam-a')]) });
    const key = frameKey('cam-a', TAKEN, 'jpg', 'cafebabe');
    await putObject(w.bucket, key, nightScene());
    w.rek.on(DetectLabelsCommand).resolves(outsideRoi);
    const body = { Type: 'Notification', MessageId: 'x', TopicArn: 'arn:aws:sns:ap-southeast-1:123456789012:t', Message: JSON.stringify({ Records: [s3Record(w.bucket, key)] }) };

    // Act
    const res = await w.analyze({ Records: [sqsRecord(body)] });

    // Assert
    expect(res.batchItemFailures).toEqual([]);
    expect((await w.observations()).map((o) => o.value)).toEqual([6]);
  });
});
