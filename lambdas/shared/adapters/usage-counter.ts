// The daily Rekognition budget: an atomic counter per UTC day in the registry table, plus what each guard decided.
import { queryPages } from './query-pages.ts';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What happened to frames on a day; each is one attribute of the day's usage item. */
export const FRAME_OUTCOMES = [
  'analysed',
  'carried',
  'inactiveHours',
  'adaptiveSkip',
  'tooSoon',
  'capped',
  'rejected',
  'duplicate',
  'ignored',
] as const;
export type FrameOutcomeCounter = (typeof FRAME_OUTCOMES)[number];

/** One day's usage: `calls` are cap units (one DetectLabels image; a clip minute is 100). */
export interface DailyUsage {
  readonly date: string;
  readonly calls: number;
  readonly clipUnits: number;
  readonly frames: number;
  readonly outcomes: Record<FrameOutcomeCounter, number>;
  readonly capReachedAt?: string;
}

/** REKOGNITION_DAILY_CAP's value: a whole number of DetectLabels images per UTC day, 0 allowed (nothing analysed). */
export function parseDailyCap(raw: string, name = 'REKOGNITION_DAILY_CAP'): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < 0) throw new Error(`Environment variable ${name} must be a whole number >= 0, got "${raw}"`);
  return n;
}

/** The UTC day of an instant, `YYYY-MM-DD`: the cap resets at 00:00 UTC (07:00 in Vietnam, outside the night). */
export const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

/**
 * The per-day usage item (`pk = "usage"`, `sk = "rekognition#<UTC day>"`). `tryConsume` is the cap: one conditional
 * `ADD`, so concurrent invocations can never together go past it.
 */
export class UsageCounter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private key = (day: string) => ({ pk: 'usage', sk: `rekognition#${day}` });

  /**
   * Takes `units` from the day's budget if `calls + units <= cap`; false (and nothing taken) otherwise.
   * `kind` says where the units go besides `calls` (`clipUnits` for clips).
   */
  async tryConsume(day: string, units: number, cap: number, kind: 'frame' | 'clip' = 'frame'): Promise<boolean> {
    if (units > cap) return false;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(day),
          UpdateExpression: kind === 'clip' ? 'ADD calls :n, clipUnits :n' : 'ADD calls :n',
          ConditionExpression: 'attribute_not_exists(calls) OR calls <= :limit',
          ExpressionAttributeValues: { ':n': units, ':limit': cap - units },
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  /** Gives back (negative `units`) or takes more without a condition: reconciling a clip reservation, a lost race. */
  async adjust(day: string, units: number, kind: 'frame' | 'clip' = 'frame'): Promise<void> {
    if (units === 0) return;
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: this.key(day),
        UpdateExpression: kind === 'clip' ? 'ADD calls :n, clipUnits :n' : 'ADD calls :n',
        ExpressionAttributeValues: { ':n': units },
      }),
    );
  }

  /** Counts one frame and what happened to it (and, for the camera uptime KPI, one frame of `cameraId`). */
  async count(day: string, outcome: FrameOutcomeCounter, cameraId?: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: this.key(day),
        UpdateExpression: cameraId ? 'ADD frames :one, #o :one, #cam :one' : 'ADD frames :one, #o :one',
        ExpressionAttributeNames: { '#o': outcome, ...(cameraId ? { '#cam': `frames#${cameraId}` } : {}) },
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }

  /** Adds several counters of one day in one write (`frames`, outcomes, `frames#<camera>`). */
  async add(day: string, counts: Readonly<Record<string, number>>): Promise<void> {
    const entries = Object.entries(counts).filter(([, n]) => n !== 0);
    if (entries.length === 0) return;
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: this.key(day),
        UpdateExpression: `ADD ${entries.map((_, i) => `#a${i} :v${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#a${i}`, k])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, n], i) => [`:v${i}`, n])),
      }),
    );
  }

  /** The raw usage items of the UTC days in [fromDay, toDay], oldest first (for the pilot KPIs). */
  async range(fromDay: string, toDay: string): Promise<Array<Record<string, unknown>>> {
    const out: Array<Record<string, unknown>> = [];
    for (const res of await queryPages(this.db, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :p AND sk BETWEEN :a AND :b',
        ExpressionAttributeValues: { ':p': 'usage', ':a': `rekognition#${fromDay}`, ':b': `rekognition#${toDay}` },
    })) {
      out.push(...(res.Items ?? []));
    }
    return out;
  }

  /** True for exactly one caller per day: the one who sends the "cap reached" notice. */
  async claimCapNotice(day: string, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(day),
          UpdateExpression: 'SET capReachedAt = :at',
          ConditionExpression: 'attribute_not_exists(capReachedAt)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  /** Undoes {@link claimCapNotice} when the notice could not be sent, so the next refusal tries again. */
  async releaseCapNotice(day: string, at: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(day),
          UpdateExpression: 'REMOVE capReachedAt',
          ConditionExpression: 'capReachedAt = :at',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    }
  }

  /** The day's usage (zeros when nothing happened). */
  async get(day: string): Promise<DailyUsage> {
    const res = await this.db.send(new GetCommand({ TableName: this.table, Key: this.key(day), ConsistentRead: true }));
    const i = res.Item ?? {};
    const num = (k: string) => (typeof i[k] === 'number' ? (i[k] as number) : 0);
    return {
      date: day,
      calls: num('calls'),
      clipUnits: num('clipUnits'),
      frames: num('frames'),
      outcomes: Object.fromEntries(FRAME_OUTCOMES.map((o) => [o, num(o)])) as Record<FrameOutcomeCounter, number>,
      ...(typeof i.capReachedAt === 'string' ? { capReachedAt: i.capReachedAt } : {}),
    };
  }
}
