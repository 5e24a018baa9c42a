// Clip analysis records in the registry table (pk = "clip", sk = <clip id>): who asked, the Rekognition job, the outcome.
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Point } from '../domain/geometry.ts';

/**
 * `STARTING` (claimed, job not yet started) → `IN_PROGRESS` (job running) → `SUCCEEDED` | `FAILED`;
 * `CAPPED`: refused by the daily budget. A `FAILED` or `CAPPED` clip may be asked for again (a new attempt), and so
 * may one left `STARTING` by a crash (see start-clip).
 */
export const CLIP_STATUSES = ['STARTING', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'CAPPED'] as const;
export type ClipStatus = (typeof CLIP_STATUSES)[number];

/** One clip analysis. */
export interface ClipRecord {
  readonly id: string;
  readonly cameraId: string;
  readonly zone: string;
  readonly key: string;
  readonly status: ClipStatus;
  /** 1 for the first request, +1 for each new attempt after FAILED / CAPPED. */
  readonly attempt: number;
  readonly jobId?: string;
  readonly requestedBy: string;
  readonly requestedAt: string;
  /** When the clip's first frame was taken, if the operator said so (else derived at the end, see finish-clip). */
  readonly startedAt?: string;
  readonly objectLastModified?: string;
  readonly objectSize: number;
  /** Duration used for the budget reservation and where it came from. */
  readonly estimatedSeconds: number;
  readonly durationSource: 'request' | 'mp4-header' | 'size-estimate';
  /** Cap units reserved at the start (100 per started minute) and the UTC day they were taken from. */
  readonly reservedUnits: number;
  readonly reservedOn: string;
  /** The camera's ROI and confidence floor when the clip was asked for: the result does not change on redelivery. */
  readonly roi: ReadonlyArray<Point>;
  readonly minConfidence: number;
  readonly reason?: string;
  readonly summary?: { readonly seconds: number; readonly maxCount: number; readonly durationMillis: number | null; readonly units: number };
  readonly completedAt?: string;
  /** When the clip's first frame was taken, as used for the observations' times (set when it succeeded). */
  readonly clipStartedAt?: string;
}

/** Reads and moves clip records through their statuses, each move conditional on the one expected. */
export class ClipStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(id: string): Promise<ClipRecord | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: 'clip', sk: id }, ConsistentRead: true }));
    if (!res.Item) return undefined;
    const { pk: _pk, sk: _sk, ...clip } = res.Item;
    return clip as ClipRecord;
  }

  /**
   * Stores a new attempt: the first (no record yet) or the next after `previous` (FAILED, CAPPED, or a STARTING one
   * the caller judged abandoned) if it is still at `previous.attempt`. False when someone else claimed it meanwhile.
   */
  async claim(clip: ClipRecord, previous?: ClipRecord): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: 'clip', sk: clip.id, ...clip },
          ...(previous
            ? {
                ConditionExpression: '#s IN (:failed, :capped, :starting) AND attempt = :prev',
                ExpressionAttributeNames: { '#s': 'status' },
                ExpressionAttributeValues: { ':failed': 'FAILED', ':capped': 'CAPPED', ':starting': 'STARTING', ':prev': previous.attempt },
              }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  /** Moves attempt `attempt` from `from` to `to` with `fields`; false when the record is no longer there. */
  async move(id: string, attempt: number, from: ClipStatus, to: ClipStatus, fields: Record<string, unknown> = {}): Promise<boolean> {
    return this.update(id, to, fields, '#s = :from AND attempt = :attempt', { ':from': from, ':attempt': attempt });
  }

  /** Records the end of job `jobId` (IN_PROGRESS → SUCCEEDED | FAILED); false when it was already recorded. */
  async finish(id: string, jobId: string, to: 'SUCCEEDED' | 'FAILED', fields: Record<string, unknown>): Promise<boolean> {
    return this.update(id, to, fields, '#s = :from AND jobId = :job', { ':from': 'IN_PROGRESS', ':job': jobId });
  }

  private async update(id: string, to: ClipStatus, fields: Record<string, unknown>, condition: string, values: Record<string, unknown>): Promise<boolean> {
    const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
    const names: Record<string, string> = { '#s': 'status' };
    const vals: Record<string, unknown> = { ...values, ':to': to };
    const sets = ['#s = :to'];
    entries.forEach(([k, v], i) => {
      names[`#f${i}`] = k;
      vals[`:f${i}`] = v;
      sets.push(`#f${i} = :f${i}`);
    });
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: 'clip', sk: id },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: vals,
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }
}
