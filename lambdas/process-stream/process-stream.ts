// The stream processor's core: validate every record, store observations and rollups, refuse poison without blocking.
import type { KinesisStreamBatchResponse, KinesisStreamRecord } from 'aws-lambda';
import { MAX_OBSERVATION_BYTES, observationSchema, rollupBucket, type Observation } from '#domain/observation.ts';
import { jsonPath } from '../../lib/config/schema.ts';
import { MAX_KEPT_BYTES, type FailureMessage } from '#adapters/failure-queue.ts';

/** What the core needs from the world (ports). */
export interface ProcessStreamDeps {
  readonly store: {
    putObservations(o: Observation[]): Promise<Observation[]>;
    recomputeRollups(k: Array<{ source: string; bucket: string }>): Promise<Array<{ source: string; bucket: string }>>;
  };
  readonly failures: { send(m: FailureMessage[], failedAt: string): Promise<string[]> };
  /** Runs after observations are stored (rule evaluation); returns the observations it could not handle. */
  readonly afterStore?: (stored: Observation[]) => Promise<Observation[]>;
  readonly now: () => Date;
  readonly log?: { warn(msg: string, extra: Record<string, unknown>): void; error(msg: string, extra: Record<string, unknown>): void };
}

/** Counts for logs and metrics. */
export interface ProcessStreamReport {
  readonly records: number;
  readonly stored: number;
  readonly poison: number;
  readonly retried: number;
}

type Parsed = { record: KinesisStreamRecord; observation: Observation } | { record: KinesisStreamRecord; poison: FailureMessage };

/** Validates one Kinesis record: base64 → UTF-8 → JSON → envelope v1 within the size limit. */
export function parseRecord(record: KinesisStreamRecord): Parsed {
  const raw = Buffer.from(record.kinesis.data, 'base64');
  const poison = (reason: string, detail: string): Parsed => ({
    record,
    poison: {
      id: record.kinesis.sequenceNumber,
      reason,
      detail,
      item: {
        eventSourceARN: record.eventSourceARN,
        eventID: record.eventID,
        partitionKey: record.kinesis.partitionKey,
        sequenceNumber: record.kinesis.sequenceNumber,
        approximateArrivalTimestamp: record.kinesis.approximateArrivalTimestamp,
        bytes: raw.length,
        data: raw.length <= MAX_KEPT_BYTES ? record.kinesis.data : raw.subarray(0, MAX_KEPT_BYTES).toString('base64'),
        truncated: raw.length > MAX_KEPT_BYTES,
      },
    },
  });
  if (raw.length > MAX_OBSERVATION_BYTES) return poison('oversized', `${raw.length} bytes > ${MAX_OBSERVATION_BYTES}`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (e) {
    return poison('invalid-json', (e as Error).message);
  }
  const result = observationSchema.safeParse(json);
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${jsonPath(i.path)}: ${i.message}`).join('; ');
    return poison('invalid-schema', detail);
  }
  return { record, observation: result.data };
}

const obsKey = (o: Observation) => `${o.source}|${o.ts}|${o.id}`;

/**
 * Processes one batch. Poison records go to the failure queue with their reason and are *not* reported as failures
 * (so they never block the shard); records whose writes still fail after retries are reported as batch item
 * failures, so Lambda retries them (and finally hands them to the on-failure destination).
 */
export async function processStream(
  records: KinesisStreamRecord[],
  deps: ProcessStreamDeps,
): Promise<{ response: KinesisStreamBatchResponse; report: ProcessStreamReport }> {
  const parsed = records.map(parseRecord);
  const failedSeq = new Set<string>();

  const poison = parsed.flatMap((p) => ('poison' in p ? [p.poison] : []));
  if (poison.length > 0) {
    for (const p of poison) deps.log?.warn('poison record', { reason: p.reason, detail: p.detail, sequenceNumber: p.id });
    const unsent = await deps.failures.send(poison, deps.now().toISOString()).catch((e: Error) => {
      deps.log?.error('failure queue unavailable', { error: e.message });
      return poison.map((p) => p.id);
    });
    for (const seq of unsent) failedSeq.add(seq);
  }

  // One write per distinct observation, even if the batch carries it twice (BatchWriteItem refuses duplicate keys).
  const valid = parsed.flatMap((p) => ('observation' in p ? [p] : []));
  const unique = new Map<string, Observation>();
  for (const v of valid) unique.set(obsKey(v.observation), v.observation);
  const failedKeys = new Set<string>();
  const unwritten = await deps.store.putObservations([...unique.values()]).catch((e: Error) => {
    deps.log?.error('observation write failed', { error: e.message });
    return [...unique.values()];
  });
  for (const o of unwritten) failedKeys.add(obsKey(o));

  const written = [...unique.values()].filter((o) => !failedKeys.has(obsKey(o)));
  const buckets = new Map<string, { source: string; bucket: string }>();
  for (const o of written) {
    const b = { source: o.source, bucket: rollupBucket(o.ts) };
    buckets.set(`${b.source}|${b.bucket}`, b);
  }
  const failedBuckets = new Set(
    (
      await deps.store.recomputeRollups([...buckets.values()]).catch((e: Error) => {
        deps.log?.error('rollup write failed', { error: e.message });
        return [...buckets.values()];
      })
    ).map((b) => `${b.source}|${b.bucket}`),
  );
  for (const o of written) if (failedBuckets.has(`${o.source}|${rollupBucket(o.ts)}`)) failedKeys.add(obsKey(o));

  if (deps.afterStore) {
    const stored = written.filter((o) => !failedKeys.has(obsKey(o)));
    const unhandled = await deps.afterStore(stored).catch((e: Error) => {
      deps.log?.error('rule evaluation failed', { error: e.message });
      return stored;
    });
    for (const o of unhandled) failedKeys.add(obsKey(o));
  }

  for (const v of valid) if (failedKeys.has(obsKey(v.observation))) failedSeq.add(v.record.kinesis.sequenceNumber);
  const stored = written.filter((o) => !failedKeys.has(obsKey(o))).length;

  return {
    response: { batchItemFailures: [...failedSeq].map((itemIdentifier) => ({ itemIdentifier })) },
    report: { records: records.length, stored, poison: poison.length, retried: failedSeq.size },
  };
}
