// Analyzer failures: throttling and 5xx retried through SQS without double cost, rejected images recorded, redelivery.
import {
  DetectLabelsCommand,
  ImageTooLargeException,
  InternalServerError,
  InvalidImageFormatException,
  InvalidS3ObjectException,
  ProvisionedThroughputExceededException,
  ThrottlingException,
  type DetectLabelsResponse,
} from '@aws-sdk/client-rekognition';
import { describe, expect, it } from 'vitest';
import { frameKey } from '../../lambdas/shared/adapters/frame-store.ts';
import { rekognitionFailure } from '../../lambdas/shared/adapters/rekognition.ts';
import { utcDay } from '../../lambdas/shared/adapters/usage-counter.ts';
import { framesEvent, nightScene, putObject, rekognitionFixture, unguarded, visionRegistry, visionWorld } from '../helpers/vision.ts';


const sixPeople = rekognitionFixture<DetectLabelsResponse>('detect-labels-people-outside-roi');
const TAKEN = new Date('2026-11-25T15:30:00Z');
const meta = { $metadata: {} };

async function oneFrame(camera = 'cam-a') {
  const w = await visionWorld({ registry: visionRegistry([unguarded(camera, 'dn-bach-dang', { guards: { activeHours: false, changeGating: true, adaptiveSampling: true } })]) });
  const key = frameKey(camera, TAKEN, 'jpg', 'f00dface');
  await putObject(w.bucket, key, nightScene());
  return { w, key, event: framesEvent(w.bucket, [key]) };
}

describe('analyze-frame failures', () => {
  it('Rekognition throttling: the record fails with no observation; its redelivery succeeds with one observation and one cap unit', async () => {
    // Prepare
    const { w, key, event } = await oneFrame();
    w.rek.on(DetectLabelsCommand).rejectsOnce(new ThrottlingException({ message: 'Slow down', ...meta })).resolves(sixPeople);

    // Act 1: first delivery
    const first = await w.analyze(event);

    // Assert 1
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]!.messageId }]);
    expect(await w.observations()).toEqual([]);
    expect(w.metrics.counts.FramesFailed).toBe(1);
    expect(await w.stores.ledger.get('cam-a', key)).toMatchObject({ status: 'pending' });

    // Act 2: SQS redelivers the same message after the visibility timeout
    const second = await w.analyze(event);

    // Assert 2
    expect(second.batchItemFailures).toEqual([]);
    expect(w.rek).toHaveReceivedCommandTimes(DetectLabelsCommand, 2);
    expect((await w.observations()).map((o) => o.value)).toEqual([6]);
    expect(await w.stores.usage.get(utcDay(w.clock.now()))).toMatchObject({ calls: 1, outcomes: { analysed: 1 } });
  });

  it('a third delivery of an analysed frame calls nothing and re-emits the identical observation', async () => {
    // Prepare: analysed once
    const { w, event } = await oneFrame();
    w.rek.on(DetectLabelsCommand).resolves(sixPeople);
    await w.analyze(event);

    // Act: S3 delivered the notification twice
    const again = await w.analyze(event);

    // Assert: same id and content (the store keeps it once), no second call or cap unit
    expect(again.batchItemFailures).toEqual([]);
    expect(w.rek).toHaveReceivedCommandTimes(DetectLabelsCommand, 1);
    const [a, b] = await w.observations();
    expect(b).toEqual(a);
    expect(await w.stores.usage.get(utcDay(w.clock.now()))).toMatchObject({ calls: 1, outcomes: { analysed: 1, duplicate: 1 } });
  });

  it('a stream outage after the call: retried, and the redelivery re-emits the stored result without calling Rekognition again', async () => {
    // Prepare: Kinesis refuses the first put
    const { w, event } = await oneFrame();
    w.rek.on(DetectLabelsCommand).resolves(sixPeople);
    const stream = w.deps.stream;
    let puts = 0;
    (w.deps as { stream: typeof stream }).stream = {
      put: async (o) => (++puts === 1 ? [{ index: 0, reason: 'stream unavailable, retry later (ProvisionedThroughputExceededException)' }] : stream.put(o)),
    };

    // Act
    const first = await w.analyze(event);
    const second = await w.analyze(event);

    // Assert
    expect(first.batchItemFailures).toHaveLength(1);
    expect(second.batchItemFailures).toEqual([]);
    expect(w.rek).toHaveReceivedCommandTimes(DetectLabelsCommand, 1);
    expect((await w.observations()).map((o) => o.value)).toEqual([6]);
    expect((await w.stores.state.get('cam-a'))!.lastCount).toBe(6);
  });

  for (const [name, error] of [
    ['ProvisionedThroughputExceededException', new ProvisionedThroughputExceededException({ message: 'limit', ...meta })],
    ['InternalServerError', new InternalServerError({ message: 'oops', ...meta })],
    ['a 503', Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailableException', $metadata: { httpStatusCode: 503 } })],
  ] as const) {
    it(`${name} is retried through the queue, never recorded as rejected`, async () => {
      // Prepare
      const { w, key, event } = await oneFrame();
      w.rek.on(DetectLabelsCommand).rejects(error);

      // Act
      const res = await w.analyze(event);

      // Assert
      expect(res.batchItemFailures).toHaveLength(1);
      expect(await w.stores.ledger.get('cam-a', key)).toMatchObject({ status: 'pending' });
      expect((await w.stores.state.get('cam-a'))?.rejectedCount).toBeUndefined();
    });
  }

  it('an image Rekognition rejects is recorded with the reason and not retried, even when delivered again', async () => {
    // Prepare
    const { w, key, event } = await oneFrame();
    w.rek.on(DetectLabelsCommand).rejects(new InvalidImageFormatException({ message: 'Request has invalid image format', ...meta }));

    // Act
    const first = await w.analyze(event);
    const again = await w.analyze(event);

    // Assert
    expect(first.batchItemFailures).toEqual([]);
    expect(again.batchItemFailures).toEqual([]);
    expect(w.rek).toHaveReceivedCommandTimes(DetectLabelsCommand, 1);
    expect(await w.observations()).toEqual([]);
    const state = await w.stores.state.get('cam-a');
    expect(state).toMatchObject({ rejectedCount: 1, lastRejected: { key, reason: 'InvalidImageFormatException: Request has invalid image format' } });
    expect(await w.stores.ledger.get('cam-a', key)).toMatchObject({ status: 'rejected' });
    expect(w.metrics.counts).toMatchObject({ FramesRejected: 1, FramesDuplicate: 1 });
  });

  it('a frame that expired before its (late) analysis is recorded as rejected without a call', async () => {
    // Prepare: the notification names an object that is gone
    const w = await visionWorld({ registry: visionRegistry([unguarded('cam-a', 'dn-bach-dang', { guards: { activeHours: false, changeGating: true, adaptiveSampling: false } })]) });
    const key = frameKey('cam-a', TAKEN, 'jpg', '0badf00d');

    // Act
    const res = await w.analyze(framesEvent(w.bucket, [key]));

    // Assert
    expect(res.batchItemFailures).toEqual([]);
    expect(w.rek).not.toHaveReceivedCommand(DetectLabelsCommand);
    expect((await w.stores.state.get('cam-a'))!.lastRejected).toMatchObject({ key, reason: 'the object no longer exists' });
  });

  it('classifies Rekognition errors: bad input rejected, everything else retried', () => {
    // Prepare / Act / Assert
    expect(rekognitionFailure(new ImageTooLargeException({ message: 'too big', ...meta })).kind).toBe('rejected');
    expect(rekognitionFailure(new InvalidS3ObjectException({ message: 'Unable to get object metadata from S3', ...meta })).kind).toBe('rejected');
    expect(rekognitionFailure(new ThrottlingException({ message: 'x', ...meta })).kind).toBe('retry');
    expect(rekognitionFailure(Object.assign(new Error('denied'), { name: 'AccessDeniedException' })).kind).toBe('retry');
  });
});
