// Per-camera analysis state and health in the registry table (pk = "camera-state", sk = <camera id>), one small item.
import { queryPages } from './query-pages.ts';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Box } from '../domain/people-count.ts';

/** Boxes kept with the last analysis (for the console's latest-frame overlay): the item stays a few KB at most. */
export const MAX_STATE_BOXES = 50;

/** The last frame received, analysed and rejected for a camera. Times are UTC ISO instants. */
export interface CameraState {
  readonly cameraId: string;
  /** When the last frame arrived in the bucket (S3 event time). */
  readonly lastFrameAt?: string;
  readonly lastFrameKey?: string;
  readonly lastFrameTakenAt?: string;
  /** When the last frame sent to Rekognition was taken: the sampling and gating clock. */
  readonly lastAnalysedAt?: string;
  readonly lastAnalysedKey?: string;
  /** Signature of the last analysed frame (change gating); null for a PNG. */
  readonly signature?: string | null;
  readonly lastCount?: number;
  readonly lastBoxes?: Box[];
  /** True when the stored boxes are the first {@link MAX_STATE_BOXES} of more. */
  readonly lastBoxesTruncated?: boolean;
  readonly lastConfidence?: number | null;
  /** The last observation put on the stream, analysed or carried. */
  readonly lastObservedAt?: string;
  readonly lastObservedCount?: number;
  readonly lastCarried?: boolean;
  readonly rejectedCount?: number;
  readonly lastRejected?: { readonly key: string; readonly reason: string; readonly at: string };
}

/** A DetectLabels result as kept for a camera. */
export interface AnalysisRecord {
  readonly key: string;
  readonly takenAt: string;
  readonly signature: string | null;
  readonly count: number;
  readonly boxes: Box[];
  readonly confidence: number | null;
}

/**
 * Reads and updates camera state. Every update moves forward only (a frame delivered late never overwrites a newer
 * one), so concurrent analyzer invocations need no lock.
 */
export class CameraStateStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(cameraId: string): Promise<CameraState | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: 'camera-state', sk: cameraId }, ConsistentRead: true }));
    return res.Item ? strip(res.Item) : undefined;
  }

  /** Every camera's state, by camera id. */
  async all(): Promise<Map<string, CameraState>> {
    const out = new Map<string, CameraState>();
    for (const res of await queryPages(this.db, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'camera-state' },
    })) {
      for (const i of res.Items ?? []) out.set(i.sk as string, strip(i));
    }
    return out;
  }

  /** Health: a frame arrived (whatever the analyzer then decides). */
  async recordFrame(cameraId: string, f: { key: string; takenAt: string; receivedAt: string }): Promise<boolean> {
    return this.forward(cameraId, 'lastFrameAt', f.receivedAt, 'SET lastFrameAt = :t, lastFrameKey = :k, lastFrameTakenAt = :taken', {
      ':k': f.key,
      ':taken': f.takenAt,
    });
  }

  /**
   * A frame was analysed by Rekognition: it becomes the reference for sampling and change gating — unless a later
   * frame was already analysed or observed (carried), so neither reference nor health moves back in time.
   */
  async recordAnalysis(cameraId: string, a: AnalysisRecord): Promise<boolean> {
    return this.forward(
      cameraId,
      ['lastAnalysedAt', 'lastObservedAt'],
      a.takenAt,
      'SET lastAnalysedAt = :t, lastAnalysedKey = :k, signature = :sig, lastCount = :c, lastBoxes = :b, lastBoxesTruncated = :bt, ' +
        'lastConfidence = :conf, lastObservedAt = :t, lastObservedCount = :c, lastCarried = :false',
      {
        ':k': a.key,
        ':sig': a.signature,
        ':c': a.count,
        ':b': a.boxes.slice(0, MAX_STATE_BOXES),
        ':bt': a.boxes.length > MAX_STATE_BOXES,
        ':conf': a.confidence,
        ':false': false,
      },
    );
  }

  /** A frame's count was carried over from the last analysis (change gating). */
  async recordCarried(cameraId: string, c: { takenAt: string; count: number }): Promise<boolean> {
    return this.forward(cameraId, 'lastObservedAt', c.takenAt, 'SET lastObservedAt = :t, lastObservedCount = :c, lastCarried = :true', {
      ':c': c.count,
      ':true': true,
    });
  }

  /** Rekognition refused a frame (corrupt, too large, unreadable): counted and kept with its reason. */
  async recordRejected(cameraId: string, r: { key: string; reason: string; at: string }): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: 'camera-state', sk: cameraId },
        UpdateExpression: 'ADD rejectedCount :one SET lastRejected = :r',
        ExpressionAttributeValues: { ':one': 1, ':r': { key: r.key, reason: r.reason.slice(0, 300), at: r.at } },
      }),
    );
  }

  /** Runs `update` if each of `attrs` is absent or not later than `at` (`:t`); false when a newer value is there. */
  private async forward(cameraId: string, attrs: string | string[], at: string, update: string, values: Record<string, unknown>): Promise<boolean> {
    const names = (Array.isArray(attrs) ? attrs : [attrs]).map((a, i) => [`#a${i}`, a] as const);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: 'camera-state', sk: cameraId },
          UpdateExpression: update,
          ConditionExpression: names.map(([n]) => `(attribute_not_exists(${n}) OR ${n} <= :t)`).join(' AND '),
          ExpressionAttributeNames: Object.fromEntries(names),
          ExpressionAttributeValues: { ...values, ':t': at },
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }
}

function strip(item: Record<string, unknown>): CameraState {
  const { pk: _pk, sk, ...rest } = item;
  return { cameraId: sk as string, ...rest } as CameraState;
}
