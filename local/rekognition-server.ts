// The local province's Rekognition: the AWS JSON 1.1 protocol on 127.0.0.1, answering from the simulator's ground truth.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Box } from '../lambdas/shared/domain/people-count.ts';
import { clipBoxes, parseSimulatedClip, type SimulatedClip } from './simulator/clip.ts';
import { hashParts } from './simulator/random.ts';
import { readGroundTruth } from './simulator/scene.ts';

export { makeSimulatedClip } from './simulator/clip.ts';

/** Put in every answer (field `Simulation`) and in the `x-smartcity-simulated` header. */
export const SIMULATION_NOTE = 'smartcity-pilot local Rekognition: answers from the simulator ground truth';
const LOG_PREFIX = '[simulated Rekognition]';

/** Where the local Rekognition reads images and clips, and publishes job completions. */
export interface LocalRekognitionOptions {
  /** S3 (moto) holding the frames and clips; path-style addressing is used. */
  readonly s3: { readonly endpoint: string; readonly region: string };
  /** SNS (moto) receiving video job completions. */
  readonly sns: { readonly endpoint: string; readonly region: string };
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default console.log */
  readonly log?: (line: string) => void;
  /** Wall milliseconds a video job takes before it completes and notifies. @default 300 */
  readonly jobDelayMs?: number;
  /** The clock stamped on job completions (pass the simulated clock). @default () => new Date() */
  readonly now?: () => Date;
  /** Credentials for S3 and SNS; any value works with moto. @default a fixed local pair */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** Counters of a running local Rekognition. */
export interface LocalRekognitionStats {
  /** Calls by operation (including refused and failed ones). */
  readonly calls: Readonly<Record<string, number>>;
  /** Error answers by error type. */
  readonly errors: Readonly<Record<string, number>>;
  /** DetectLabels images read, of which without ground truth (answered with nobody), and Person instances returned. */
  readonly images: { readonly analysed: number; readonly withoutGroundTruth: number; readonly personInstances: number };
  readonly jobs: { readonly started: number; readonly succeeded: number; readonly failed: number };
}

/** A running local Rekognition. */
export interface LocalRekognition {
  /** Endpoint for `new RekognitionClient({ endpoint })`, e.g. `http://127.0.0.1:43123`. */
  readonly url: string;
  /** Closes the server, cancels pending jobs and waits for notifications being published. */
  stop(): Promise<void>;
  stats(): LocalRekognitionStats;
}

/** An error answered in the AWS JSON protocol shape. */
class RekognitionError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Operations refused outright: this project never identifies anyone. */
const FACE_OPERATION = /Face|Celebrit|Collection|User|Liveness/;

/**
 * The confidence the local Rekognition gives a person box: high for people near the camera, lower for small,
 * distant ones (below 80 for boxes under about 6 % of the frame height), with a deterministic ±1 jitter so that the
 * same frame always gets the same answer.
 */
export function simulatedConfidence(box: Box): number {
  const h = box[3];
  const base = h >= 0.1 ? 86 + 13 * Math.min(1, (h - 0.1) / 0.25) : 55 + 310 * h;
  const jitter = (hashParts('confidence', box[0], box[1], box[2], box[3]) / 4294967296) * 2 - 1;
  return Math.round(Math.min(99.95, Math.max(50, base + jitter)) * 1000) / 1000;
}

interface VideoJob {
  readonly jobId: string;
  readonly bucket: string;
  readonly key: string;
  readonly jobTag?: string;
  readonly minConfidence: number;
  readonly filters: LabelFilters;
  readonly channel?: { readonly topicArn: string; readonly roleArn: string };
  status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  statusMessage?: string;
  clip?: SimulatedClip;
}

interface LabelFilters {
  readonly include?: ReadonlyArray<string>;
  readonly exclude?: ReadonlyArray<string>;
  readonly includeCategories?: ReadonlyArray<string>;
  readonly excludeCategories?: ReadonlyArray<string>;
}

/**
 * Starts the local Rekognition on 127.0.0.1. It speaks the protocol the SDK's `RekognitionClient` uses (AWS JSON 1.1:
 * `POST /`, `X-Amz-Target: RekognitionService.<Operation>`, errors as `{"__type", "message"}` with status 400 and
 * `x-amzn-ErrorType`), so the Lambda code runs unchanged with only its endpoint pointed here:
 * - `DetectLabels` reads the image from S3 and answers the people of its ground truth as `Person` instances;
 * - `StartLabelDetection` / `GetLabelDetection` run "videos" made by `makeSimulatedClip`, notifying SNS on completion;
 * - face operations are refused with AccessDeniedException; anything else with UnknownOperationException.
 * The signature is not checked. Every answer carries `Simulation` and the header `x-smartcity-simulated: true`.
 */
export async function startLocalRekognition(options: LocalRekognitionOptions): Promise<LocalRekognition> {
  const log = options.log ?? ((line: string) => console.log(line));
  const say = (line: string) => log(`${LOG_PREFIX} ${line}`);
  const credentials = options.credentials ?? { accessKeyId: 'local', secretAccessKey: 'local' };
  const requestHandler = () => new NodeHttpHandler({ connectionTimeout: 3_000, requestTimeout: 15_000 });
  const s3 = new S3Client({
    endpoint: options.s3.endpoint,
    region: options.s3.region,
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: requestHandler(),
  });
  const sns = new SNSClient({ endpoint: options.sns.endpoint, region: options.sns.region, credentials, requestHandler: requestHandler() });
  const now = options.now ?? (() => new Date());
  const jobDelayMs = options.jobDelayMs ?? 300;

  const calls = new Map<string, number>();
  const errors = new Map<string, number>();
  const images = { analysed: 0, withoutGroundTruth: 0, personInstances: 0 };
  const jobCounts = { started: 0, succeeded: 0, failed: 0 };
  const jobs = new Map<string, VideoJob>();
  const jobsByToken = new Map<string, string>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const pending = new Set<Promise<void>>();
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const loggedErrors = new Map<string, number>();

  async function readObject(bucket: string, key: string, maxBytes: number): Promise<Uint8Array> {
    try {
      const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if ((res.ContentLength ?? 0) > maxBytes) {
        await res.Body?.transformToByteArray(); // drain the connection
        throw new RekognitionError('ImageTooLargeException', `Image size is too large: the S3 object is larger than ${maxBytes} bytes.`);
      }
      return await res.Body!.transformToByteArray();
    } catch (e) {
      throw s3Failure(e);
    }
  }

  function s3Failure(e: unknown): Error {
    if (e instanceof RekognitionError) return e;
    const err = e as { name?: string; $metadata?: { httpStatusCode?: number }; message?: string };
    const status = err.$metadata?.httpStatusCode;
    if (err.name === 'NoSuchKey' || err.name === 'NoSuchBucket' || err.name === 'NotFound' || status === 404 || status === 403) {
      return new RekognitionError('InvalidS3ObjectException', 'Unable to get object metadata from S3. Check object key, region and/or access permissions.');
    }
    return new RekognitionError('InternalServerError', `reading S3 failed: ${err.name ?? 'Error'}: ${err.message ?? String(e)}`, 500);
  }

  // ---- DetectLabels -------------------------------------------------------------------------------------------

  async function detectLabels(input: Record<string, any>): Promise<Record<string, unknown>> {
    const image = input.Image as { S3Object?: { Bucket?: string; Name?: string }; Bytes?: string } | undefined;
    const minConfidence = confidenceParam(input.MinConfidence, 55);
    const maxLabels = input.MaxLabels === undefined ? 1000 : Number(input.MaxLabels);
    if (!Number.isInteger(maxLabels) || maxLabels < 0) throw new RekognitionError('InvalidParameterException', 'MaxLabels must be a non-negative integer');
    let bytes: Uint8Array;
    let where: string;
    if (image?.S3Object?.Bucket && image.S3Object.Name) {
      bytes = await readObject(image.S3Object.Bucket, image.S3Object.Name, 15 * 1024 * 1024);
      where = `s3://${image.S3Object.Bucket}/${image.S3Object.Name}`;
    } else if (typeof image?.Bytes === 'string') {
      bytes = Buffer.from(image.Bytes, 'base64');
      if (bytes.length > 5 * 1024 * 1024) throw new RekognitionError('ImageTooLargeException', 'Image size is too large: image bytes are limited to 5 MB.');
      where = `${bytes.length} image bytes`;
    } else {
      throw new RekognitionError('InvalidParameterException', 'Image must give S3Object {Bucket, Name} or Bytes');
    }
    if (!isJpeg(bytes) && !isPng(bytes)) throw new RekognitionError('InvalidImageFormatException', 'Request has invalid image format');
    images.analysed++;
    let people = readGroundTruth(bytes);
    if (!people) {
      images.withoutGroundTruth++;
      say(`${where} carries no simulator ground truth: answered with nobody in it (only simulator frames can be "seen")`);
      people = [];
    }
    const filters = labelFilters(input.Settings?.GeneralLabels);
    const instances = people
      .map((b) => ({ BoundingBox: { Width: b[2], Height: b[3], Left: b[0], Top: b[1] }, Confidence: simulatedConfidence(b) }))
      .filter((i) => i.Confidence >= minConfidence);
    const labels = personLabels(instances, filters).slice(0, maxLabels);
    images.personInstances += labels.find((l) => l.Name === 'Person')?.Instances.length ?? 0;
    return { Labels: labels, LabelModelVersion: '3.0', Simulation: SIMULATION_NOTE };
  }

  // ---- Video ----------------------------------------------------------------------------------------------------

  async function startLabelDetection(input: Record<string, any>): Promise<Record<string, unknown>> {
    const video = input.Video?.S3Object as { Bucket?: string; Name?: string } | undefined;
    if (!video?.Bucket || !video.Name) throw new RekognitionError('InvalidParameterException', 'Video.S3Object needs Bucket and Name');
    const token = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : undefined;
    if (token && jobsByToken.has(token)) return { JobId: jobsByToken.get(token)! };
    const channel = input.NotificationChannel as { SNSTopicArn?: string; RoleArn?: string } | undefined;
    if (channel && (!channel.SNSTopicArn || !channel.RoleArn)) {
      throw new RekognitionError('InvalidParameterException', 'NotificationChannel needs SNSTopicArn and RoleArn');
    }
    try {
      await s3.send(new HeadObjectCommand({ Bucket: video.Bucket, Key: video.Name }));
    } catch (e) {
      throw s3Failure(e);
    }
    const job: VideoJob = {
      jobId: randomBytes(32).toString('hex'),
      bucket: video.Bucket,
      key: video.Name,
      ...(typeof input.JobTag === 'string' ? { jobTag: input.JobTag } : {}),
      minConfidence: confidenceParam(input.MinConfidence, 50),
      filters: labelFilters(input.Settings?.GeneralLabels),
      ...(channel ? { channel: { topicArn: channel.SNSTopicArn!, roleArn: channel.RoleArn! } } : {}),
      status: 'IN_PROGRESS',
    };
    jobs.set(job.jobId, job);
    if (token) jobsByToken.set(token, job.jobId);
    jobCounts.started++;
    say(`label detection job ${job.jobId.slice(0, 12)}… started on s3://${job.bucket}/${job.key}${job.jobTag ? ` (tag ${job.jobTag})` : ''}`);
    const timer = setTimeout(() => {
      timers.delete(timer);
      const run = finishJob(job).finally(() => pending.delete(run));
      pending.add(run);
    }, jobDelayMs);
    timers.add(timer);
    return { JobId: job.jobId };
  }

  async function finishJob(job: VideoJob): Promise<void> {
    try {
      const parsed = parseSimulatedClip(await readObject(job.bucket, job.key, 10 * 1024 ** 3));
      if ('clip' in parsed) {
        job.clip = parsed.clip;
        job.status = 'SUCCEEDED';
      } else {
        job.status = 'FAILED';
        job.statusMessage = `Unsupported video: ${parsed.error}`;
      }
    } catch (e) {
      job.status = 'FAILED';
      job.statusMessage = e instanceof RekognitionError ? e.message : `reading the video failed: ${(e as Error).message}`;
    }
    if (job.status === 'SUCCEEDED') jobCounts.succeeded++;
    else jobCounts.failed++;
    say(`label detection job ${job.jobId.slice(0, 12)}… ${job.status}${job.statusMessage ? `: ${job.statusMessage}` : ''}`);
    if (!job.channel) return;
    const message = {
      JobId: job.jobId,
      Status: job.status,
      API: 'StartLabelDetection',
      ...(job.jobTag !== undefined ? { JobTag: job.jobTag } : {}),
      Timestamp: now().getTime(),
      Video: { S3ObjectName: job.key, S3Bucket: job.bucket },
    };
    try {
      await sns.send(new PublishCommand({ TopicArn: job.channel.topicArn, Message: JSON.stringify(message) }));
    } catch (e) {
      bump(errors, 'SNSPublishFailed');
      say(`could not publish the completion of job ${job.jobId.slice(0, 12)}… to ${job.channel.topicArn}: ${(e as Error).name}: ${(e as Error).message}`);
    }
  }

  function getLabelDetection(input: Record<string, any>): Record<string, unknown> {
    const job = typeof input.JobId === 'string' ? jobs.get(input.JobId) : undefined;
    if (!job) throw new RekognitionError('ResourceNotFoundException', `No label detection job ${String(input.JobId)}`);
    const maxResults = input.MaxResults === undefined ? 1000 : Number(input.MaxResults);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) {
      throw new RekognitionError('InvalidParameterException', 'MaxResults must be an integer 1..1000');
    }
    const sortBy = input.SortBy === 'NAME' ? 'NAME' : 'TIMESTAMP';
    const aggregateBy = input.AggregateBy === 'SEGMENTS' ? 'SEGMENTS' : 'TIMESTAMPS';
    const common = { JobId: job.jobId, Video: { S3Object: { Bucket: job.bucket, Name: job.key } }, ...(job.jobTag !== undefined ? { JobTag: job.jobTag } : {}), Simulation: SIMULATION_NOTE };
    if (job.status !== 'SUCCEEDED' || !job.clip) {
      return { JobStatus: job.status, ...(job.statusMessage ? { StatusMessage: job.statusMessage } : {}), Labels: [], ...common };
    }
    const all = videoLabels(job, aggregateBy, sortBy);
    let offset = 0;
    if (input.NextToken !== undefined) {
      offset = parsePageToken(input.NextToken, job.jobId, all.length);
    }
    const page = all.slice(offset, offset + maxResults);
    const next = offset + page.length;
    return {
      JobStatus: 'SUCCEEDED',
      VideoMetadata: {
        Codec: 'h264',
        DurationMillis: job.clip.durationSeconds * 1000,
        Format: 'QuickTime / MOV',
        FrameRate: 25,
        FrameHeight: job.clip.height ?? 720,
        FrameWidth: job.clip.width ?? 1280,
        ColorRange: 'LIMITED',
      },
      ...(next < all.length ? { NextToken: Buffer.from(JSON.stringify({ j: job.jobId.slice(0, 16), o: next })).toString('base64url') } : {}),
      Labels: page,
      LabelModelVersion: '3.0',
      GetRequestMetadata: { SortBy: sortBy, AggregateBy: aggregateBy },
      ...common,
    };
  }

  // ---- HTTP -------------------------------------------------------------------------------------------------------

  const operations: Record<string, (input: Record<string, any>) => Promise<Record<string, unknown>> | Record<string, unknown>> = {
    DetectLabels: detectLabels,
    StartLabelDetection: startLabelDetection,
    GetLabelDetection: getLabelDetection,
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('RekognitionService.') ? target.slice('RekognitionService.'.length) : '';
    const body = await readBody(req);
    bump(calls, operation || '(none)');
    try {
      if (req.method !== 'POST' || !operation) {
        throw new RekognitionError('UnknownOperationException', 'POST / with X-Amz-Target: RekognitionService.<Operation> expected');
      }
      if (FACE_OPERATION.test(operation)) throw new RekognitionError('AccessDeniedException', `${operation} refused: no face APIs in this project`);
      const impl = operations[operation];
      if (!impl) {
        throw new RekognitionError('UnknownOperationException', `${operation} is not simulated (the local Rekognition answers DetectLabels, StartLabelDetection and GetLabelDetection)`);
      }
      let input: Record<string, any>;
      try {
        input = body.length ? JSON.parse(body.toString('utf8')) : {};
      } catch {
        throw new RekognitionError('SerializationException', 'the request body is not JSON');
      }
      if (!input || typeof input !== 'object' || Array.isArray(input)) throw new RekognitionError('SerializationException', 'the request body must be a JSON object');
      send(res, 200, await impl(input));
    } catch (e) {
      const err = e instanceof RekognitionError ? e : new RekognitionError('InternalServerError', (e as Error).message ?? String(e), 500);
      bump(errors, err.type);
      const key = `${operation}:${err.type}`;
      const n = (loggedErrors.get(key) ?? 0) + 1;
      loggedErrors.set(key, n);
      if (n === 1 || n % 100 === 0) say(`${operation || req.method + ' ' + req.url} → ${err.type}: ${err.message}${n > 1 ? ` (${n} times)` : ''}`);
      send(res, err.status, { __type: err.type, message: err.message }, err.type);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) send(res, 500, { __type: 'InternalServerError', message: String(e) }, 'InternalServerError');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  say(`listening on ${url} (DetectLabels, StartLabelDetection, GetLabelDetection; S3 ${options.s3.endpoint}, SNS ${options.sns.endpoint})`);

  return {
    url,
    stats: () => ({
      calls: Object.fromEntries(calls),
      errors: Object.fromEntries(errors),
      images: { ...images },
      jobs: { ...jobCounts },
    }),
    stop: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.allSettled([...pending]);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      s3.destroy();
      sns.destroy();
      say(`stopped after ${[...calls.values()].reduce((a, b) => a + b, 0)} calls`);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Label shapes

type Instance = { BoundingBox: { Width: number; Height: number; Left: number; Top: number }; Confidence: number };

/** Person (and its sub-label Adult, which repeats the same boxes as the real service does) after the filters. */
function personLabels(instances: Instance[], filters: LabelFilters) {
  if (instances.length === 0) return [];
  const confidence = Math.max(...instances.map((i) => i.Confidence));
  const labels = [
    { Name: 'Person', Confidence: confidence, Instances: instances, Parents: [] as Array<{ Name: string }>, Aliases: [{ Name: 'Human' }], Categories: [{ Name: 'Person Description' }] },
    { Name: 'Adult', Confidence: confidence, Instances: instances, Parents: [{ Name: 'Person' }], Aliases: [], Categories: [{ Name: 'Person Description' }] },
  ];
  return labels.filter((l) => passes(l.Name, 'Person Description', filters));
}

function passes(name: string, category: string, f: LabelFilters): boolean {
  const has = (list: ReadonlyArray<string> | undefined, v: string) => list?.some((x) => x.toLowerCase() === v.toLowerCase()) ?? false;
  if (f.include?.length && !has(f.include, name)) return false;
  if (has(f.exclude, name)) return false;
  if (f.includeCategories?.length && !has(f.includeCategories, category)) return false;
  if (has(f.excludeCategories, category)) return false;
  return true;
}

function labelFilters(settings: Record<string, unknown> | undefined): LabelFilters {
  const list = (k: string) => (Array.isArray(settings?.[k]) ? (settings![k] as unknown[]).filter((x): x is string => typeof x === 'string') : undefined);
  const include = list('LabelInclusionFilters');
  const exclude = list('LabelExclusionFilters');
  const includeCategories = list('LabelCategoryInclusionFilters');
  const excludeCategories = list('LabelCategoryExclusionFilters');
  return { ...(include ? { include } : {}), ...(exclude ? { exclude } : {}), ...(includeCategories ? { includeCategories } : {}), ...(excludeCategories ? { excludeCategories } : {}) };
}

/** The label entries of a finished clip: two analysed moments per second (0 and 500 ms), entries only where people are. */
function videoLabels(job: VideoJob, aggregateBy: 'TIMESTAMPS' | 'SEGMENTS', sortBy: 'TIMESTAMP' | 'NAME') {
  const clip = job.clip!;
  const moments: Array<{ ts: number; instances: Instance[] }> = [];
  for (let s = 0; s < clip.durationSeconds; s++) {
    const instances = clipBoxes(clip, s)
      .map((b) => ({ BoundingBox: { Width: b[2], Height: b[3], Left: b[0], Top: b[1] }, Confidence: simulatedConfidence(b) }))
      .filter((i) => i.Confidence >= job.minConfidence);
    if (instances.length === 0) continue;
    for (const ms of [0, 500]) moments.push({ ts: s * 1000 + ms, instances });
  }
  const entries: Array<{ Timestamp: number; Label: Record<string, unknown>; StartTimestampMillis: number; EndTimestampMillis: number; DurationMillis: number }> = [];
  if (aggregateBy === 'TIMESTAMPS') {
    for (const m of moments) {
      for (const label of personLabels(m.instances, job.filters)) {
        entries.push({ Timestamp: m.ts, Label: label, StartTimestampMillis: m.ts, EndTimestampMillis: m.ts, DurationMillis: 0 });
      }
    }
  } else {
    // Segments: runs of consecutive moments with people, one entry per label and run, without instances.
    let i = 0;
    while (i < moments.length) {
      let j = i;
      while (j + 1 < moments.length && moments[j + 1]!.ts - moments[j]!.ts <= 500) j++;
      const run = moments.slice(i, j + 1);
      const confidence = Math.max(...run.flatMap((m) => m.instances.map((x) => x.Confidence)));
      for (const label of personLabels(run[0]!.instances, job.filters)) {
        const { Instances: _ignored, ...rest } = label;
        entries.push({
          Timestamp: run[0]!.ts,
          Label: { ...rest, Confidence: confidence },
          StartTimestampMillis: run[0]!.ts,
          EndTimestampMillis: run[run.length - 1]!.ts + 500,
          DurationMillis: run[run.length - 1]!.ts + 500 - run[0]!.ts,
        });
      }
      i = j + 1;
    }
  }
  if (sortBy === 'NAME') entries.sort((a, b) => String(a.Label.Name).localeCompare(String(b.Label.Name)) || a.Timestamp - b.Timestamp);
  return entries;
}

function parsePageToken(token: unknown, jobId: string, total: number): number {
  try {
    const t = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as { j?: string; o?: number };
    if (t.j === jobId.slice(0, 16) && Number.isInteger(t.o) && t.o! > 0 && t.o! <= total) return t.o!;
  } catch {
    // fall through
  }
  throw new RekognitionError('InvalidPaginationTokenException', 'Invalid pagination token');
}

function confidenceParam(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new RekognitionError('InvalidParameterException', 'MinConfidence must be 0..100');
  return n;
}

const isJpeg = (b: Uint8Array) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
const isPng = (b: Uint8Array) => b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 8 * 1024 * 1024) chunks.push(c); // Image.Bytes up to 5 MB, base64
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    'x-smartcity-simulated': 'true',
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}
