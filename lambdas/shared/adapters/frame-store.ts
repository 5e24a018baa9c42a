// S3 adapter for the frames bucket: the key layout of frames and clips, presigned uploads and reads, frame bytes.
import { randomBytes } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/** Largest frame accepted: DetectLabels reads at most 15 MB from S3. */
export const MAX_FRAME_BYTES = 15 * 1024 * 1024;

/** Frame content types a camera may upload, with the key extension each gets. */
export const FRAME_CONTENT_TYPES = { 'image/jpeg': 'jpg', 'image/png': 'png' } as const;
export type FrameContentType = keyof typeof FRAME_CONTENT_TYPES;
export type FrameExtension = (typeof FRAME_CONTENT_TYPES)[FrameContentType];

/** Top-level prefixes of the bucket (the CDK scopes IAM and lifecycle rules to them). */
export const FRAMES_PREFIX = 'frames/';
export const CLIPS_PREFIX = 'clips/';

/** A frame key, parsed. */
export interface FrameKey {
  readonly cameraId: string;
  /** When the frame was taken, UTC ISO with milliseconds. */
  readonly takenAt: string;
  readonly ext: FrameExtension;
}

/**
 * `frames/<cameraId>/<yyyy>/<mm>/<dd>/<takenAt, ':' → '-'>-<8 hex>.<jpg|png>`: listable by camera and UTC day, sorted
 * by time, without characters S3 notifications would have to URL-encode; the random suffix keeps two frames taken in
 * the same millisecond apart and makes keys unguessable.
 */
export function frameKey(cameraId: string, takenAt: Date, ext: FrameExtension, nonce = randomBytes(4).toString('hex')): string {
  const iso = takenAt.toISOString();
  return `${FRAMES_PREFIX}${cameraId}/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.replace(/:/g, '-')}-${nonce}.${ext}`;
}

const FRAME_KEY =
  /^frames\/([a-z0-9][a-z0-9-]{1,62})\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2}(?:\.\d{1,3})?)Z-[0-9a-f]{8}\.(jpg|png)$/;

/** The camera, time and format of a frame key; undefined when the key does not follow {@link frameKey}. */
export function parseFrameKey(key: string): FrameKey | undefined {
  const m = FRAME_KEY.exec(key);
  if (!m) return undefined;
  const [, cameraId, yyyy, mm, dd, date, hh, mi, ss, ext] = m;
  if (date !== `${yyyy}-${mm}-${dd}`) return undefined;
  const ms = Date.parse(`${date}T${hh}:${mi}:${ss}Z`);
  if (!Number.isFinite(ms)) return undefined;
  const takenAt = new Date(ms).toISOString();
  // Date.parse rolls 2026-02-30 over to March: only keys naming a real instant are frames.
  if (takenAt.slice(0, 10) !== date) return undefined;
  return { cameraId: cameraId!, takenAt, ext: ext as FrameExtension };
}

/** The prefix under which a camera's clips live. */
export const clipPrefix = (cameraId: string) => `${CLIPS_PREFIX}${cameraId}/`;

/** An object key as S3 event notifications carry it (URL-encoded, spaces as '+'), decoded. */
export const decodeS3Key = (raw: string): string => decodeURIComponent(raw.replace(/\+/g, ' '));

/** What HeadObject says about an object. */
export interface ObjectInfo {
  readonly size: number;
  readonly lastModified: Date | undefined;
  readonly contentType: string | undefined;
}

/** The object does not exist (any more: frames expire by lifecycle). */
export class ObjectMissingError extends Error {
  override readonly name = 'ObjectMissingError';
}

type Presign = typeof getSignedUrl;

/** Reads and presigns objects of the frames bucket. */
export class FrameStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
    private readonly presign: Presign = getSignedUrl,
  ) {}

  /**
   * A presigned PUT for exactly `key`, `contentType` and `contentLength`: both headers are signed, so S3 answers
   * 403 SignatureDoesNotMatch to an upload of another key, type or size, and the URL expires after `expiresIn` s.
   */
  async presignPut(o: { key: string; contentType: string; contentLength: number; expiresIn: number; now: Date }): Promise<{ url: string; expiresAt: string }> {
    const command = new PutObjectCommand({ Bucket: this.bucket, Key: o.key, ContentType: o.contentType, ContentLength: o.contentLength });
    const url = await this.presign(this.s3, command, {
      expiresIn: o.expiresIn,
      signingDate: o.now,
      signableHeaders: new Set(['content-type', 'content-length']),
    });
    return { url, expiresAt: new Date(o.now.getTime() + o.expiresIn * 1000).toISOString() };
  }

  /** A presigned GET of `key`, valid `expiresIn` seconds. */
  async presignGet(key: string, expiresIn: number, now: Date = new Date()): Promise<string> {
    return this.presign(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn, signingDate: now });
  }

  /** The bytes of an object; ObjectMissingError when it does not exist. */
  async getBytes(key: string): Promise<Uint8Array> {
    try {
      const res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await res.Body!.transformToByteArray();
    } catch (e) {
      if (isMissing(e)) throw new ObjectMissingError(`s3://${this.bucket}/${key} does not exist`);
      throw e;
    }
  }

  /** Bytes `start`..`end` (inclusive) of an object, fewer at its end; ObjectMissingError when it does not exist. */
  async getRange(key: string, start: number, end: number): Promise<Uint8Array> {
    try {
      const res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=${start}-${end}` }));
      return await res.Body!.transformToByteArray();
    } catch (e) {
      if (isMissing(e)) throw new ObjectMissingError(`s3://${this.bucket}/${key} does not exist`);
      throw e;
    }
  }

  /** Size, time and type of an object; undefined when it does not exist. */
  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const res = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: res.ContentLength ?? 0, lastModified: res.LastModified, contentType: res.ContentType };
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }
}

function isMissing(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === 'NoSuchKey' || err?.name === 'NotFound' || err?.$metadata?.httpStatusCode === 404;
}
