// DynamoDB adapter for observations and rollups (ObservationsTable: pk = S#<source>, sk = O#<ts>#<id> | R5#<bucket>).
import { queryPages } from './query-pages.ts';
import { BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { rollupBucket, type Observation } from '../domain/observation.ts';
import { rollupOf, type Rollup } from '../domain/rollup.ts';
import { isTransient, retryPending, type BackoffOptions } from '../retry.ts';

const BATCH = 25;
const BUCKET_MS = 300_000;

/** Partition key of a source's items. */
export const sourcePk = (source: string) => `S#${source}`;
/** Sort key of one observation: time first so a range query is a time range; the id makes it unique. */
export const observationSk = (o: Pick<Observation, 'ts' | 'id'>) => `O#${o.ts}#${o.id}`;
/** Sort key of a rollup; `R5#` sorts after every `O#` key, so time-range queries never see rollups. */
export const rollupSk = (bucket: string) => `R5#${bucket}`;

/** An observation as stored (the envelope plus keys and its expiry). */
export type StoredObservation = Observation & { pk: string; sk: string; expiresAt: number };

/** A page of observations, newest first. */
export interface ObservationPage {
  readonly items: Observation[];
  /** Sort key to continue after, absent on the last page. */
  readonly next?: string;
}

/** Reads and writes a province's observations and rollups. */
export class ObservationStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly retentionDays: number,
    private readonly backoff: BackoffOptions = {},
  ) {}

  /** The stored item for `o`; it expires `retentionDays` after the observation's own time. */
  toItem(o: Observation): StoredObservation {
    const expiresAt = Math.floor(Date.parse(o.ts) / 1000) + this.retentionDays * 86_400;
    return { pk: sourcePk(o.source), sk: observationSk(o), ...o, expiresAt };
  }

  /**
   * Writes observations with BatchWriteItem (25 a request), retrying UnprocessedItems with backoff.
   * Returns the observations still unwritten after the last attempt. Writing the same observation again
   * overwrites it with identical content, so redelivery never doubles anything.
   */
  async putObservations(observations: Observation[]): Promise<Observation[]> {
    const byKey = new Map(observations.map((o) => [`${sourcePk(o.source)}|${observationSk(o)}`, o]));
    const failed: Observation[] = [];
    for (let i = 0; i < observations.length; i += BATCH) {
      const chunk = observations.slice(i, i + BATCH).map((o) => this.toItem(o));
      const left = await this.writeAll(chunk);
      for (const item of left) failed.push(byKey.get(`${item.pk}|${item.sk}`)!);
    }
    return failed;
  }

  /**
   * Recomputes the 5-minute rollups of the given (source, bucket) pairs from the stored observations and writes
   * them. Idempotent: a rollup is a function of the observations, never an increment. Returns the pairs that failed.
   */
  async recomputeRollups(keys: Array<{ source: string; bucket: string }>): Promise<Array<{ source: string; bucket: string }>> {
    const rollups: Rollup[] = [];
    const failed: Array<{ source: string; bucket: string }> = [];
    await Promise.all(
      keys.map(async (k) => {
        try {
          const obs = await this.queryRange(k.source, k.bucket, new Date(Date.parse(k.bucket) + BUCKET_MS - 1).toISOString());
          if (obs.length === 0) return;
          const last = obs[obs.length - 1]!;
          rollups.push(rollupOf({ source: k.source, kind: last.kind, zone: last.zone, bucket: k.bucket }, obs.map((o) => o.value)));
        } catch {
          failed.push(k);
        }
      }),
    );
    for (let i = 0; i < rollups.length; i += BATCH) {
      const chunk = rollups.slice(i, i + BATCH);
      const left = await this.writeAll(chunk.map((r) => ({ pk: sourcePk(r.source), sk: rollupSk(r.bucket), ...r })));
      for (const item of left) failed.push({ source: item.source as string, bucket: item.bucket as string });
    }
    return failed;
  }

  /** Observations of one source in [from, to], newest first, `limit` at most, continuing after sort key `after`. */
  async page(source: string, from: string, to: string, limit: number, after?: string): Promise<ObservationPage> {
    const res = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': sourcePk(source), ':from': `O#${from}`, ':to': `O#${to}~` },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: after ? { pk: sourcePk(source), sk: after } : undefined,
      }),
    );
    const items = (res.Items ?? []).map(toObservation);
    const lastKey = res.LastEvaluatedKey?.sk as string | undefined;
    return { items, next: lastKey && items.length > 0 ? lastKey : undefined };
  }

  /** The newest observation of a source, or undefined. */
  async latest(source: string): Promise<Observation | undefined> {
    const res = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :o)',
        ExpressionAttributeValues: { ':pk': sourcePk(source), ':o': 'O#' },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const item = res.Items?.[0];
    return item ? toObservation(item) : undefined;
  }

  /** The rollups of a source in [from, to], oldest first. */
  async rollups(source: string, from: string, to: string): Promise<Rollup[]> {
    const out: Rollup[] = [];
    for (const res of await queryPages(this.db, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': sourcePk(source), ':from': rollupSk(rollupBucket(from)), ':to': rollupSk(to) },
    })) {
      for (const i of res.Items ?? []) {
        const { pk: _pk, sk: _sk, ...r } = i;
        out.push(r as Rollup);
      }
    }
    return out;
  }

  private async queryRange(source: string, from: string, to: string): Promise<Observation[]> {
    const out: Observation[] = [];
    for (const res of await queryPages(this.db, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': sourcePk(source), ':from': `O#${from}`, ':to': `O#${to}~` },
        ConsistentRead: true,
    })) {
      out.push(...(res.Items ?? []).map(toObservation));
    }
    return out;
  }

  private async writeAll<T extends Record<string, unknown>>(items: T[]): Promise<T[]> {
    return retryPending(
      items,
      async (pending) => {
        try {
          const res = await this.db.send(
            new BatchWriteCommand({ RequestItems: { [this.table]: pending.map((Item) => ({ PutRequest: { Item } })) } }),
          );
          return (res.UnprocessedItems?.[this.table] ?? []).map((r) => r.PutRequest!.Item as T);
        } catch (e) {
          if (isTransient(e)) return pending;
          throw e;
        }
      },
      this.backoff,
    );
  }
}

function toObservation(item: Record<string, unknown>): Observation {
  const { pk: _pk, sk: _sk, expiresAt: _e, ...o } = item;
  return o as Observation;
}
