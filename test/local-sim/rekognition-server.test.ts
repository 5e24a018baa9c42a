// The local Rekognition through the real RekognitionClient, reading frames and clips from moto S3 and notifying moto SNS.
import {
  DetectFacesCommand,
  DetectLabelsCommand,
  GetLabelDetectionCommand,
  RekognitionClient,
  SearchFacesByImageCommand,
  StartLabelDetectionCommand,
  type GetLabelDetectionResponse,
} from '@aws-sdk/client-rekognition';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { encode } from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '../../lambdas/shared/adapters/clients.ts';
import { countPeople, detectLabelsRequestFor, perSecondCounts, type Box } from '../../lambdas/shared/domain/people-count.ts';
import { RekognitionAdapter } from '../../lambdas/shared/adapters/rekognition.ts';
import { makeSimulatedClip, simulatedConfidence, startLocalRekognition, type LocalRekognition } from '../../local/rekognition-server.ts';
import { renderFrame } from '../../local/simulator/scene.ts';
import { createTopicWithQueue, endpoint, motoClients, unique } from '../helpers/aws.ts';

const region = 'ap-southeast-1';
let rek: LocalRekognition;
let client: RekognitionClient;
let bucket: string;
const lines: string[] = [];
const s3 = () => s3Client({ endpoint: endpoint(), region });
const put = (key: string, body: Uint8Array, contentType = 'image/jpeg') => s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));

/** Seven people near the camera and two far away (small, so lower confidence). */
const PEOPLE: Box[] = [
  [0.1, 0.45, 0.06, 0.3],
  [0.25, 0.5, 0.06, 0.3],
  [0.4, 0.42, 0.05, 0.25],
  [0.55, 0.5, 0.07, 0.33],
  [0.7, 0.45, 0.06, 0.3],
  [0.82, 0.55, 0.07, 0.35],
  [0.01, 0.6, 0.06, 0.3], // centre outside cam-dn-001's ROI (x < 0.05)
  [0.3, 0.36, 0.012, 0.05],
  [0.6, 0.37, 0.012, 0.045],
];

beforeAll(async () => {
  rek = await startLocalRekognition({ s3: { endpoint: endpoint(), region }, sns: { endpoint: endpoint(), region }, log: (l) => lines.push(l), jobDelayMs: 100 });
  client = new RekognitionClient({ endpoint: rek.url, region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 });
  bucket = unique('frames');
  await s3().send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: region } }));
});
afterAll(async () => {
  client?.destroy();
  await rek?.stop();
});

/** Every response header of the next call, captured by a middleware. */
function captureHeaders(): { headers: Record<string, string> } {
  const box = { headers: {} as Record<string, string> };
  client.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      box.headers = (out.response as { headers: Record<string, string> }).headers;
      return out;
    },
    { step: 'deserialize', name: `capture-${Math.random()}` },
  );
  return box;
}

describe('local Rekognition: DetectLabels', () => {
  it('answers a simulated frame in S3 with its ground-truth people as Person instances, marked as a simulation', async () => {
    // Prepare
    const frame = renderFrame({ people: PEOPLE, seed: 1, frameNo: 1 });
    await put('frames/cam-dn-001/one.jpg', frame.jpeg);
    const captured = captureHeaders();
    const started = performance.now();

    // Act
    const res = await client.send(new DetectLabelsCommand(detectLabelsRequestFor(bucket, 'frames/cam-dn-001/one.jpg', 50)));
    const roundTrip = performance.now() - started;

    // Assert
    expect(res.LabelModelVersion).toBe('3.0');
    expect(res.Labels!.map((l) => l.Name)).toEqual(['Person']); // the inclusion filter keeps Adult out
    const person = res.Labels![0]!;
    expect(person).toMatchObject({ Parents: [], Aliases: [{ Name: 'Human' }], Categories: [{ Name: 'Person Description' }] });
    expect(person.Instances!.map((i) => [i.BoundingBox!.Left, i.BoundingBox!.Top, i.BoundingBox!.Width, i.BoundingBox!.Height])).toEqual(frame.people);
    expect(person.Instances!.every((i) => i.Confidence === simulatedConfidence([i.BoundingBox!.Left!, i.BoundingBox!.Top!, i.BoundingBox!.Width!, i.BoundingBox!.Height!]))).toBe(true);
    expect(person.Confidence).toBe(Math.max(...person.Instances!.map((i) => i.Confidence!)));
    expect(captured.headers['x-smartcity-simulated']).toBe('true');
    // The Lambda's own counting: 6 near people in the ROI; the one at the edge is outside it, the two far ones under 80 %.
    const roi: Array<[number, number]> = [[0.05, 0.35], [0.95, 0.35], [0.95, 0.98], [0.05, 0.98]];
    expect(countPeople(res, roi, 80).count).toBe(6);
    console.log(`[simulated Rekognition] DetectLabels round trip (S3 read included): ${roundTrip.toFixed(1)} ms`);
  });

  it('returns the Simulation field in the raw JSON answer', async () => {
    // Prepare: the SDK keeps only modelled fields, so this one looks at the wire
    const frame = renderFrame({ people: PEOPLE.slice(0, 2), seed: 1, frameNo: 2 });

    // Act
    const res = await fetch(rek.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RekognitionService.DetectLabels' },
      body: JSON.stringify({ Image: { Bytes: Buffer.from(frame.jpeg).toString('base64') } }),
    });
    const body = await res.json();

    // Assert
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(body.Simulation).toBe('smartcity-pilot local Rekognition: answers from the simulator ground truth');
    // Without filters the sub-label Adult repeats the Person boxes, as the real service does.
    expect(body.Labels.map((l: { Name: string }) => l.Name)).toEqual(['Person', 'Adult']);
    expect(body.Labels[1].Parents).toEqual([{ Name: 'Person' }]);
  });

  it('honours MinConfidence and the label filters', async () => {
    // Prepare
    await put('frames/cam-dn-001/two.jpg', renderFrame({ people: PEOPLE, seed: 1, frameNo: 3 }).jpeg);
    const request = (o: Record<string, unknown>) => new DetectLabelsCommand({ Image: { S3Object: { Bucket: bucket, Name: 'frames/cam-dn-001/two.jpg' } }, ...o });

    // Act
    const all = await client.send(request({ MinConfidence: 50 }));
    const sure = await client.send(request({ MinConfidence: 95 }));
    const none = await client.send(request({ MinConfidence: 99.99 }));
    const cars = await client.send(request({ Settings: { GeneralLabels: { LabelInclusionFilters: ['Car'] } } }));
    const noPeople = await client.send(request({ Settings: { GeneralLabels: { LabelCategoryExclusionFilters: ['Person Description'] } } }));
    const oneLabel = await client.send(request({ MaxLabels: 1 }));

    // Assert
    const instances = (r: typeof all) => r.Labels?.find((l) => l.Name === 'Person')?.Instances ?? [];
    expect(instances(all)).toHaveLength(9);
    expect(instances(sure).length).toBeGreaterThan(0);
    expect(instances(sure).length).toBeLessThan(9);
    expect(instances(sure).every((i) => i.Confidence! >= 95)).toBe(true);
    expect(none.Labels).toEqual([]);
    expect(cars.Labels).toEqual([]);
    expect(noPeople.Labels).toEqual([]);
    expect(oneLabel.Labels!.map((l) => l.Name)).toEqual(['Person']);
  });

  it('answers a frame without ground truth with nobody, and logs it', async () => {
    // Prepare
    const plain = encode({ width: 32, height: 32, data: new Uint8Array(32 * 32 * 4) }, 80).data;
    await put('frames/cam-dn-001/real-camera.jpg', plain);

    // Act
    const res = await client.send(new DetectLabelsCommand(detectLabelsRequestFor(bucket, 'frames/cam-dn-001/real-camera.jpg', 80)));

    // Assert
    expect(res.Labels).toEqual([]);
    expect(lines.some((l) => l.startsWith('[simulated Rekognition]') && l.includes('real-camera.jpg') && l.includes('no simulator ground truth'))).toBe(true);
  });

  it('refuses a missing object and bytes that are not an image, as the real service does', async () => {
    // Prepare
    await put('frames/cam-dn-001/text.jpg', new TextEncoder().encode('hello, not an image'));

    // Act
    const missing = await failure(client.send(new DetectLabelsCommand(detectLabelsRequestFor(bucket, 'frames/cam-dn-001/nope.jpg', 80))));
    const noBucket = await failure(client.send(new DetectLabelsCommand(detectLabelsRequestFor(unique('no-bucket'), 'x.jpg', 80))));
    const text = await failure(client.send(new DetectLabelsCommand(detectLabelsRequestFor(bucket, 'frames/cam-dn-001/text.jpg', 80))));

    // Assert
    expect(missing).toMatchObject({ name: 'InvalidS3ObjectException', $metadata: { httpStatusCode: 400 } });
    expect(noBucket).toMatchObject({ name: 'InvalidS3ObjectException' });
    expect(text).toMatchObject({ name: 'InvalidImageFormatException', message: 'Request has invalid image format' });
  });
});

describe('local Rekognition: label detection on clips', () => {
  it('StartLabelDetection → completion on SNS (seen in a subscribed SQS queue) → GetLabelDetection pages through every result', async () => {
    // Prepare
    const { topicArn, queueUrl } = await createTopicWithQueue();
    const counts = Array.from({ length: 30 }, (_, s) => (s < 5 ? 0 : s % 7));
    await put('clips/cam-dn-001/c1.mp4', makeSimulatedClip(counts), 'video/mp4');
    const channel = { SNSTopicArn: topicArn, RoleArn: 'arn:aws:iam::123456789012:role/rekognition-publish' };
    const startCommand = new StartLabelDetectionCommand({
      Video: { S3Object: { Bucket: bucket, Name: 'clips/cam-dn-001/c1.mp4' } },
      ClientRequestToken: 'clip-c1-attempt-1',
      JobTag: 'c1',
      MinConfidence: 50,
      NotificationChannel: channel,
      Features: ['GENERAL_LABELS'],
      Settings: { GeneralLabels: { LabelInclusionFilters: ['Person'] } },
    });

    // Act
    const { JobId } = await client.send(startCommand);
    const again = await client.send(startCommand); // same token: same job
    const inProgress = await client.send(new GetLabelDetectionCommand({ JobId }));
    const message = await receiveOne(queueUrl);
    const pages: GetLabelDetectionResponse[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new GetLabelDetectionCommand({ JobId, MaxResults: 10, NextToken: token, SortBy: 'TIMESTAMP', AggregateBy: 'TIMESTAMPS' }));
      pages.push(page);
      token = page.NextToken;
    } while (token);

    // Assert
    expect(JobId).toMatch(/^[0-9a-f]{64}$/);
    expect(again.JobId).toBe(JobId);
    expect(inProgress.JobStatus).toBe('IN_PROGRESS');
    expect(message).toMatchObject({ JobId, Status: 'SUCCEEDED', API: 'StartLabelDetection', JobTag: 'c1', Video: { S3ObjectName: 'clips/cam-dn-001/c1.mp4', S3Bucket: bucket } });
    expect(typeof message.Timestamp).toBe('number');
    const entries = pages.flatMap((p) => p.Labels ?? []);
    const withPeople = counts.filter((c) => c > 0).length;
    expect(entries).toHaveLength(withPeople * 2); // two analysed moments per second
    expect(pages).toHaveLength(Math.ceil((withPeople * 2) / 10));
    expect(pages.every((p) => p.JobStatus === 'SUCCEEDED' && p.VideoMetadata?.DurationMillis === 30_000 && p.VideoMetadata.Codec === 'h264')).toBe(true);
    expect(entries.map((e) => e.Timestamp)).toEqual([...entries.map((e) => e.Timestamp!)].sort((a, b) => a - b));
    // The Lambda's own reduction recovers the per-second counts.
    expect(perSecondCounts(pages).map((s) => s.count)).toEqual(counts);
    // The adapter the finish-clip Lambda uses reads the same result in one page.
    const adapterPages = await new RekognitionAdapter(client).labelDetectionPages(JobId!);
    expect(adapterPages).toHaveLength(1);
    expect(perSecondCounts(adapterPages).map((s) => s.count)).toEqual(counts);
  });

  it('a video that is not a simulated clip fails the job with a reason, notified like a success', async () => {
    // Prepare
    const { topicArn, queueUrl } = await createTopicWithQueue();
    await put('clips/cam-dn-001/real.mp4', new Uint8Array([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70]), 'video/mp4');

    // Act
    const { JobId } = await client.send(
      new StartLabelDetectionCommand({
        Video: { S3Object: { Bucket: bucket, Name: 'clips/cam-dn-001/real.mp4' } },
        NotificationChannel: { SNSTopicArn: topicArn, RoleArn: 'arn:aws:iam::123456789012:role/r' },
      }),
    );
    const message = await receiveOne(queueUrl);
    const result = await client.send(new GetLabelDetectionCommand({ JobId }));

    // Assert
    expect(message).toMatchObject({ JobId, Status: 'FAILED', API: 'StartLabelDetection' });
    expect(message.JobTag).toBeUndefined();
    expect(result.JobStatus).toBe('FAILED');
    expect(result.StatusMessage).toMatch(/not a simulated clip/);
    expect(result.Labels).toEqual([]);
  });

  it('refuses a missing video, an unknown job and a forged page token', async () => {
    // Act
    const missing = await failure(client.send(new StartLabelDetectionCommand({ Video: { S3Object: { Bucket: bucket, Name: 'clips/none.mp4' } } })));
    const unknown = await failure(client.send(new GetLabelDetectionCommand({ JobId: 'f'.repeat(64) })));
    await put('clips/cam-dn-001/c2.mp4', makeSimulatedClip([1, 2, 3]), 'video/mp4');
    const { JobId } = await client.send(new StartLabelDetectionCommand({ Video: { S3Object: { Bucket: bucket, Name: 'clips/cam-dn-001/c2.mp4' } } }));
    await new Promise((r) => setTimeout(r, 250));
    const forged = await failure(client.send(new GetLabelDetectionCommand({ JobId, NextToken: 'bm90LWEtdG9rZW4' })));

    // Assert
    expect(missing).toMatchObject({ name: 'InvalidS3ObjectException' });
    expect(unknown).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(forged).toMatchObject({ name: 'InvalidPaginationTokenException' });
  });
});

describe('local Rekognition: everything else', () => {
  it('refuses face APIs with AccessDeniedException, and counts calls per operation', async () => {
    // Act
    const faces = await failure(client.send(new DetectFacesCommand({ Image: { S3Object: { Bucket: bucket, Name: 'frames/cam-dn-001/one.jpg' } } })));
    const search = await failure(client.send(new SearchFacesByImageCommand({ CollectionId: 'people', Image: { S3Object: { Bucket: bucket, Name: 'x.jpg' } } })));

    // Assert
    expect(faces).toMatchObject({ name: 'AccessDeniedException', message: expect.stringContaining('no face APIs in this project') });
    expect(search).toMatchObject({ name: 'AccessDeniedException' });
    const stats = rek.stats();
    expect(stats.calls).toMatchObject({ DetectFaces: 1, SearchFacesByImage: 1 });
    expect(stats.calls.DetectLabels).toBeGreaterThanOrEqual(10);
    expect(stats.errors.AccessDeniedException).toBe(2);
    expect(stats.jobs.started).toBeGreaterThanOrEqual(3);
    expect(stats.images.withoutGroundTruth).toBeGreaterThanOrEqual(1);
    expect(lines.every((l) => l.startsWith('[simulated Rekognition] '))).toBe(true);
  });
});

/** The error a call fails with (a call that succeeds fails the test). */
async function failure(call: Promise<unknown>): Promise<Error & { $metadata?: unknown }> {
  try {
    await call;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to fail');
}

/** The first message arriving in `queueUrl`, unwrapped from its SNS envelope. */
async function receiveOne(queueUrl: string): Promise<Record<string, any>> {
  const { sqs } = motoClients();
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }));
    const body = res.Messages?.[0]?.Body;
    if (body) return JSON.parse(JSON.parse(body).Message);
  }
  throw new Error(`no message in ${queueUrl} within 10 s`);
}
