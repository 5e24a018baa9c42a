// Vision test kit: night-scene JPEGs, S3/SQS/SNS event shapes, the analyzer wired to moto, and a SigV4-checking S3 gate.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SNSEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend'; // types of the matchers the vision tests register with expect.extend
import { encode } from 'jpeg-js';
import { makeHandler } from '../../lambdas/analyze-frame/handler.ts';
import { makeHandler as makeOperatorApi } from '../../lambdas/operator-api/handler.ts';
import type { AnalyzeFrameDeps } from '../../lambdas/analyze-frame/analyze-frame.ts';
import { CameraStateStore } from '../../lambdas/shared/adapters/camera-state.ts';
import { CameraStore } from '../../lambdas/shared/adapters/camera-store.ts';
import { s3Client, snsClient } from '../../lambdas/shared/adapters/clients.ts';
import { ClipStore } from '../../lambdas/shared/adapters/clip-store.ts';
import { FrameLedger } from '../../lambdas/shared/adapters/frame-ledger.ts';
import { FrameStore } from '../../lambdas/shared/adapters/frame-store.ts';
import { OpsNotifier } from '../../lambdas/shared/adapters/ops-notifier.ts';
import { RekognitionAdapter } from '../../lambdas/shared/adapters/rekognition.ts';
import { RuleStore } from '../../lambdas/shared/adapters/rule-store.ts';
import { KinesisStreamWriter } from '../../lambdas/shared/adapters/stream-writer.ts';
import { UsageCounter } from '../../lambdas/shared/adapters/usage-counter.ts';
import { GATE_DEFAULTS } from '../../lambdas/shared/domain/frame-signature.ts';
import type { Observation } from '../../lambdas/shared/domain/observation.ts';
import type { ProvinceRegistry } from '../../lambdas/shared/province.ts';
import { cameraSchema, type Camera } from '../../lib/config/schema.ts';
import { crowdThresholds } from '../../lambdas/analyze-frame/analyze-frame.ts';
import { createStream, createTable, createTopicWithQueue, endpoint, motoClients, readStreamAsEvent, unique } from './aws.ts';
import { httpEvent } from './events.ts';
import { motoOperatorApi, type ProvinceTables } from './operator-api.ts';
import { sampleRegistry } from './province.ts';

// ---------------------------------------------------------------------------------------------------------------
// Images

/** Deterministic PRNG (mulberry32): noisy scenes are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A figure as a normalized box `[left, top, width, height]`. */
export type FigureBox = readonly [number, number, number, number];

/** Six lit figures standing on the square, inside cam-dn-001's ROI. */
export const CROWD: readonly FigureBox[] = [
  [0.1, 0.45, 0.06, 0.3],
  [0.25, 0.5, 0.06, 0.3],
  [0.4, 0.45, 0.06, 0.3],
  [0.55, 0.5, 0.06, 0.3],
  [0.7, 0.45, 0.06, 0.3],
  [0.85, 0.5, 0.06, 0.3],
];

/**
 * A dark night street (sky ≈ 12, road ≈ 30 grey levels, two street lamps) as a JPEG, with lit figures drawn in
 * `figures`; `noise` adds ± sensor noise (seeded), so two frames of an empty street differ a little, like a camera's.
 */
export function nightScene(o: { width?: number; height?: number; figures?: readonly FigureBox[]; noise?: number; seed?: number; quality?: number } = {}): Uint8Array {
  const width = o.width ?? 320;
  const height = o.height ?? 180;
  const rnd = prng(o.seed ?? 7);
  const data = Buffer.alloc(width * height * 4);
  const horizon = Math.round(height * 0.35);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = y < horizon ? 12 : 30 + Math.round((10 * (y - horizon)) / (height - horizon));
      for (const lampX of [0.2, 0.8]) {
        const d = Math.hypot(x / width - lampX, (y / height - 0.3) * 1.5);
        if (d < 0.12) v += Math.round(80 * (1 - d / 0.12));
      }
      for (const [l, t, w, h] of o.figures ?? []) {
        if (x >= l * width && x < (l + w) * width && y >= t * height && y < (t + h) * height) v = 170;
      }
      if (o.noise) v += Math.round((rnd() * 2 - 1) * o.noise);
      const c = Math.max(0, Math.min(255, v));
      const p = (y * width + x) * 4;
      data[p] = c;
      data[p + 1] = c;
      data[p + 2] = Math.min(255, c + 6);
      data[p + 3] = 255;
    }
  }
  return new Uint8Array(encode({ data, width, height }, o.quality ?? 85).data);
}

/** A tiny valid PNG (1 x 1, grey): not gated (no signature), always analysed. */
export const TINY_PNG = Uint8Array.from(
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==', 'base64'),
);

/**
 * A minimal ISO-BMFF (MP4) file: `ftyp`, `mdat` of `mdatBytes` zeros and a `moov` whose `mvhd` (version 0 or 1)
 * declares `seconds` at a timescale of 1000; `moov` first ("fast start") or last (as cameras write it).
 */
export function syntheticMp4(o: { seconds: number; moovFirst?: boolean; mdatBytes?: number; mvhdVersion?: 0 | 1; largeMdat?: boolean }): Uint8Array {
  const box = (type: string, body: Buffer) => {
    const h = Buffer.alloc(8);
    h.writeUInt32BE(8 + body.length);
    h.write(type, 4, 'latin1');
    return Buffer.concat([h, body]);
  };
  const ftyp = box('ftyp', Buffer.concat([Buffer.from('isom', 'latin1'), Buffer.alloc(4), Buffer.from('isomavc1', 'latin1')]));
  const version = o.mvhdVersion ?? 0;
  const mvhdBody = Buffer.alloc(version === 0 ? 100 : 112);
  mvhdBody[0] = version;
  if (version === 0) {
    mvhdBody.writeUInt32BE(1000, 12);
    mvhdBody.writeUInt32BE(Math.round(o.seconds * 1000), 16);
  } else {
    mvhdBody.writeUInt32BE(1000, 20);
    mvhdBody.writeBigUInt64BE(BigInt(Math.round(o.seconds * 1000)), 24);
  }
  const moov = box('moov', box('mvhd', mvhdBody));
  const payload = Buffer.alloc(o.mdatBytes ?? 2048);
  let mdat: Buffer;
  if (o.largeMdat) {
    const h = Buffer.alloc(16);
    h.writeUInt32BE(1);
    h.write('mdat', 4, 'latin1');
    h.writeBigUInt64BE(BigInt(16 + payload.length), 8);
    mdat = Buffer.concat([h, payload]);
  } else mdat = box('mdat', payload);
  return new Uint8Array(o.moovFirst ? Buffer.concat([ftyp, moov, mdat]) : Buffer.concat([ftyp, mdat, moov]));
}

// ---------------------------------------------------------------------------------------------------------------
// Fixtures and event shapes

/** A Rekognition response fixture from test/fixtures/rekognition/. */
export const rekognitionFixture = <T = Record<string, unknown>>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/rekognition/${name}.json`, import.meta.url), 'utf8')) as T;

/** An S3 key encoded as S3 puts it in event notifications: URL-encoded, spaces as '+'. */
export const encodeS3Key = (key: string): string => encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');

/** One S3 ObjectCreated:Put record, as in a real notification (`key` is put as given: pass it encoded). */
export function s3Record(bucket: string, encodedKey: string, o: { size?: number; eventTime?: string; eventName?: string } = {}) {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'ap-southeast-1',
    eventTime: o.eventTime ?? '2026-11-25T15:30:01.000Z',
    eventName: o.eventName ?? 'ObjectCreated:Put',
    userIdentity: { principalId: 'AWS:AROAEXAMPLE:request-frame-url' },
    requestParameters: { sourceIPAddress: '203.0.113.9' },
    responseElements: { 'x-amz-request-id': 'C3D13FE58DE4C810', 'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'FramesToQueue',
      bucket: { name: bucket, ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: `arn:aws:s3:::${bucket}` },
      object: { key: encodedKey, size: o.size ?? 1024, eTag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer: '0055AED6DCD90281E5' },
    },
  };
}

let messageSeq = 0;

/** An SQS record whose body is `body` (an object is JSON-encoded), as the SQS event source delivers it. */
export function sqsRecord(body: unknown, o: { receiveCount?: number } = {}): SQSRecord {
  messageSeq += 1;
  return {
    messageId: `msg-${messageSeq.toString().padStart(6, '0')}`,
    receiptHandle: `AQEB-${messageSeq}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: String(o.receiveCount ?? 1),
      SentTimestamp: '1764084601000',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1764084601100',
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(typeof body === 'string' ? body : JSON.stringify(body)).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-southeast-1:123456789012:frames-queue',
    awsRegion: 'ap-southeast-1',
  };
}

/** An SQS event of S3 notifications, one message per frame key (keys encoded as S3 does). */
export function framesEvent(bucket: string, keys: string[], o: { eventTime?: string } = {}): SQSEvent {
  return { Records: keys.map((k) => sqsRecord({ Records: [s3Record(bucket, encodeS3Key(k), o)] })) };
}

/** An SNS → Lambda event carrying `message` (JSON-encoded), as Rekognition Video's completion notification arrives. */
export function snsEvent(message: unknown, topicArn = 'arn:aws:sns:ap-southeast-1:123456789012:clip-done'): SNSEvent {
  return {
    Records: [
      {
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55`,
        EventSource: 'aws:sns',
        Sns: {
          SignatureVersion: '1',
          Timestamp: '2026-11-25T15:40:00.000Z',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'https://sns.ap-southeast-1.amazonaws.com/SimpleNotificationService-EXAMPLE.pem',
          MessageId: `95df01b4-ee98-5cb9-9903-4c221d41eb5e-${++messageSeq}`,
          Message: JSON.stringify(message),
          MessageAttributes: {},
          Type: 'Notification',
          UnsubscribeUrl: 'https://sns.ap-southeast-1.amazonaws.com/?Action=Unsubscribe',
          TopicArn: topicArn,
          Subject: '',
        },
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Registries and moto wiring

/** The da-nang registry with its cameras replaced or adjusted (each validated by the config's camera schema). */
export function visionRegistry(cameras?: Array<Partial<Camera> & { id: string; zone: string }>): ProvinceRegistry {
  const base = sampleRegistry('da-nang');
  if (!cameras) return base;
  return { ...base, cameras: cameras.map((c) => cameraSchema.parse({ name: c.id, ...c })) };
}

/** A camera with every guard off (sampling still refuses frames faster than its interval). */
export const unguarded = (id: string, zone = 'dn-bach-dang', extra: Partial<Camera> = {}): Partial<Camera> & { id: string; zone: string } => ({
  id,
  zone,
  intervalSeconds: 10,
  guards: { activeHours: false, changeGating: false, adaptiveSampling: false },
  ...extra,
});

/** A bucket in moto. */
export async function createBucket(s3: S3Client = visionS3()): Promise<string> {
  const Bucket = unique('frames');
  await s3.send(new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: 'ap-southeast-1' } }));
  return Bucket;
}

/** An S3 client pointed at moto. */
export const visionS3 = () => s3Client({ endpoint: endpoint(), region: 'ap-southeast-1' });

/** Stores `bytes` at `key`. */
export async function putObject(bucket: string, key: string, bytes: Uint8Array, contentType = 'image/jpeg'): Promise<void> {
  await visionS3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType }));
}

/** Metrics that remember their counts. */
export class RecordingMetrics {
  readonly counts: Record<string, number> = {};
  count(name: string, value = 1): void {
    this.counts[name] = (this.counts[name] ?? 0) + value;
  }
  flush(): void {}
}

/** A silent logger that keeps what was logged. */
export class RecordingLog {
  readonly lines: Array<{ level: string; msg: string; extra: Record<string, unknown> }> = [];
  debug = (msg: string, extra: Record<string, unknown> = {}) => void this.lines.push({ level: 'debug', msg, extra });
  info = (msg: string, extra: Record<string, unknown> = {}) => void this.lines.push({ level: 'info', msg, extra });
  warn = (msg: string, extra: Record<string, unknown> = {}) => void this.lines.push({ level: 'warn', msg, extra });
  error = (msg: string, extra: Record<string, unknown> = {}) => void this.lines.push({ level: 'error', msg, extra });
}

/** Everything a vision test needs in moto: registry table, stream, bucket, ops topic (+ inbox queue), Rekognition mock. */
export async function visionWorld(o: { registry?: ProvinceRegistry; dailyCap?: number; now?: () => Date; registryTable?: string; bucket?: string } = {}) {
  const { db, kinesis } = motoClients();
  const registry = o.registry ?? visionRegistry();
  const [registryTable, streamName, bucket, ops] = await Promise.all([
    o.registryTable ?? createTable('registry'),
    createStream('vision'),
    o.bucket ?? createBucket(),
    createTopicWithQueue(),
  ]);
  const rekognition = new RekognitionClient({ region: 'ap-southeast-1' });
  const rek = mockClient(rekognition);
  const s3 = visionS3();
  const clock = { now: o.now ?? (() => new Date('2026-11-25T15:30:05Z')) };
  const metrics = new RecordingMetrics();
  const log = new RecordingLog();
  const rules = new RuleStore(db, registryTable, registry.rules, 0);
  const stores = {
    cameras: new CameraStore(db, registryTable, registry.cameras, 0),
    state: new CameraStateStore(db, registryTable),
    ledger: new FrameLedger(db, registryTable),
    usage: new UsageCounter(db, registryTable),
    clips: new ClipStore(db, registryTable),
    frames: new FrameStore(s3, bucket),
    rekognition: new RekognitionAdapter(rekognition),
    stream: new KinesisStreamWriter(kinesis, streamName, { attempts: 2, baseMs: 1, maxMs: 2 }),
    rules,
  };
  const deps: AnalyzeFrameDeps & { metrics: RecordingMetrics } = {
    bucket,
    provinceCode: registry.code,
    timezone: registry.timezone,
    dailyCap: o.dailyCap ?? 1000,
    gate: GATE_DEFAULTS,
    cameras: stores.cameras,
    zoneThresholds: async (zone) => crowdThresholds((await rules.all()).map((r) => r.rule), zone),
    state: stores.state,
    ledger: stores.ledger,
    usage: stores.usage,
    frames: stores.frames,
    rekognition: stores.rekognition,
    stream: stores.stream,
    notices: new OpsNotifier(snsClient({ endpoint: endpoint(), region: 'ap-southeast-1' }), ops.topicArn),
    metrics,
    log,
    now: () => clock.now(),
  };
  const analyze = makeHandler(deps);
  /** Observations put on the stream so far, in order. */
  const observations = async (): Promise<Observation[]> =>
    (await readStreamAsEvent(streamName)).Records.map((r) => JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8')) as Observation);
  return { registry, registryTable, streamName, bucket, ops, rek, rekognition, s3, stores, deps, metrics, log, clock, analyze, observations };
}

/** The operator API with the crowd module's stores in moto, and a `call(routeKey, request)` returning parsed JSON. */
export async function visionOperatorApi(o: { registry?: ProvinceRegistry; tables?: ProvinceTables; bucket?: string; dailyCap?: number; now?: () => Date } = {}) {
  const { db } = motoClients();
  const registry = o.registry ?? visionRegistry();
  const base = await motoOperatorApi({ registry, tables: o.tables, now: o.now });
  const table = base.tables.registryTable;
  const bucket = o.bucket ?? (await createBucket());
  const vision = {
    cameras: new CameraStore(db, table, registry.cameras, 0),
    state: new CameraStateStore(db, table),
    frames: new FrameStore(visionS3(), bucket),
    usage: new UsageCounter(db, table),
    clips: new ClipStore(db, table),
    dailyCap: o.dailyCap ?? 1000,
  };
  const api = makeOperatorApi({ ...base.deps, vision });
  const call = async (routeKey: string, req: Parameters<typeof httpEvent>[1] = {}) => {
    const res = await api(httpEvent(routeKey, req) as never);
    return { status: res.statusCode!, body: res.body ? JSON.parse(res.body) : undefined };
  };
  return { api, call, vision, bucket, registry, tables: base.tables, deps: base.deps };
}

// ---------------------------------------------------------------------------------------------------------------
// A SigV4 gate in front of moto

/**
 * An HTTP server that checks AWS Signature V4 presigned URLs exactly as S3 does — canonical request over the method,
 * path, query and the *received* values of the signed headers, HMAC chain of the secret, expiry — answers 403
 * SignatureDoesNotMatch / AccessDenied like S3 when they fail, and forwards valid requests to moto. Moto 5 itself
 * accepts any signature (and expired URLs), so without this gate a test could not see a refused upload.
 */
export async function startSigV4Gate(upstream: string, secretAccessKey = 'testing', clock: () => number = Date.now) {
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url!, `http://${req.headers.host}`);
    const verdict = verifyPresigned(req, url, secretAccessKey, clock());
    if (verdict !== 'ok') {
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${verdict}</Code><Message>${verdict}</Message></Error>`);
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    const forwarded = await fetch(`${upstream}${url.pathname}${url.search}`, { method: req.method, headers, body: body.length ? new Uint8Array(body) : undefined });
    res.writeHead(forwarded.status, Object.fromEntries(forwarded.headers));
    res.end(Buffer.from(await forwarded.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** 'ok', or the S3 error code the request deserves. */
function verifyPresigned(req: IncomingMessage, url: URL, secret: string, nowMs: number): string {
  const q = url.searchParams;
  const signature = q.get('X-Amz-Signature');
  const credential = q.get('X-Amz-Credential');
  const amzDate = q.get('X-Amz-Date');
  const expires = Number(q.get('X-Amz-Expires'));
  const signedHeaders = q.get('X-Amz-SignedHeaders');
  if (!signature || !credential || !amzDate || !signedHeaders || q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return 'AccessDenied';
  const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!(nowMs <= signedAt + expires * 1000)) return 'AccessDenied'; // "Request has expired"
  const [, date, region, service] = credential.split('/');
  const query = [...q.entries()]
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [enc(k), enc(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const headers = signedHeaders
    .split(';')
    .map((h) => `${h}:${String(req.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonical = [req.method, url.pathname, query, headers, signedHeaders, 'UNSIGNED-PAYLOAD'].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical, 'utf8').digest('hex')].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date!), region!), service!), 'aws4_request');
  return createHmac('sha256', key).update(toSign, 'utf8').digest('hex') === signature ? 'ok' : 'SignatureDoesNotMatch';
}
