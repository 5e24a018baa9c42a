// Per-frame outcome of the frames that reached Rekognition (pk = "frame#<camera>", sk = <key>): redelivery-safe.
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Box } from '../domain/people-count.ts';

/** How long a ledger entry is kept (`expiresAt`, epoch seconds, for a TTL on the registry table): SQS keeps a message 14 days at most. */
export const LEDGER_TTL_SECONDS = 15 * 86_400;

/**
 * - `pending`: a cap unit was taken and Rekognition is being (or was, without answer) called; a redelivery calls
 *   again without taking another unit;
 * - `analysed`: the result is here; a redelivery re-emits the same observation and calls nothing;
 * - `rejected`: Rekognition refused the image; `capped`: the day's cap refused it. Neither is tried again.
 */
export type LedgerStatus = 'pending' | 'analysed' | 'rejected' | 'capped';

/** One frame's entry. */
export interface LedgerEntry {
  readonly key: string;
  readonly status: LedgerStatus;
  readonly at: string;
  readonly signature?: string | null;
  readonly result?: { readonly count: number; readonly boxes: Box[]; readonly confidence: number | null };
  readonly reason?: string;
}

/** Reads and writes frame ledger entries. */
export class FrameLedger {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private key = (cameraId: string, key: string) => ({ pk: `frame#${cameraId}`, sk: key });
  private expiresAt = (at: string) => Math.floor(Date.parse(at) / 1000) + LEDGER_TTL_SECONDS;

  async get(cameraId: string, key: string): Promise<LedgerEntry | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.table, Key: this.key(cameraId, key), ConsistentRead: true }));
    if (!res.Item) return undefined;
    const { pk: _pk, sk: _sk, expiresAt: _e, ...entry } = res.Item;
    return { key, ...entry } as LedgerEntry;
  }

  /** Creates the entry with `status` unless one exists; false when another delivery of the frame got there first. */
  async create(cameraId: string, key: string, status: 'pending' | 'capped', at: string, signature: string | null): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...this.key(cameraId, key), status, at, signature, expiresAt: this.expiresAt(at) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  /** Stores the result of the Rekognition call. */
  async analysed(cameraId: string, key: string, at: string, result: NonNullable<LedgerEntry['result']>): Promise<void> {
    await this.finish(cameraId, key, 'analysed', at, 'result', result);
  }

  /** Stores why Rekognition refused the frame. */
  async rejected(cameraId: string, key: string, at: string, reason: string): Promise<void> {
    await this.finish(cameraId, key, 'rejected', at, 'reason', reason.slice(0, 300));
  }

  private async finish(cameraId: string, key: string, status: LedgerStatus, at: string, field: string, value: unknown): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: this.key(cameraId, key),
        UpdateExpression: 'SET #s = :s, #at = :at, #f = :v, expiresAt = :exp',
        ExpressionAttributeNames: { '#s': 'status', '#at': 'at', '#f': field },
        ExpressionAttributeValues: { ':s': status, ':at': at, ':v': value, ':exp': this.expiresAt(at) },
      }),
    );
  }
}
