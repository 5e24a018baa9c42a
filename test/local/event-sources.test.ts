// Kinesis delivery semantics of the local event source mapping: partial failures, bisect, bounded retries, failure record.
import { describe, expect, it } from 'vitest';
import type { KinesisStreamEvent } from 'aws-lambda';
import { deliverKinesisBatch, kinesisFailureRecord, rateMs } from '../../local/event-sources.ts';
import { kinesisRecord } from '../helpers/events.ts';

const batch = (n: number) => Array.from({ length: n }, (_, i) => kinesisRecord({ i }));
const seqs = (e: unknown) => (e as KinesisStreamEvent).Records.map((r) => r.kinesis.sequenceNumber);
const opts = { batchSize: 100, bisectOnError: true, maxRetries: 2, reportBatchItemFailures: true };

describe('Kinesis delivery', () => {
  it('retries from the lowest reported failure, leaving earlier records done', async () => {
    const records = batch(6);
    const calls: string[][] = [];
    let first = true;
    const outcome = await deliverKinesisBatch(records, async (e) => {
      calls.push(seqs(e));
      if (first) {
        first = false;
        return { batchItemFailures: [{ itemIdentifier: records[4]!.kinesis.sequenceNumber }, { itemIdentifier: records[2]!.kinesis.sequenceNumber }] };
      }
      return { batchItemFailures: [] };
    }, opts);
    expect(calls).toEqual([records.map((r) => r.kinesis.sequenceNumber), records.slice(2).map((r) => r.kinesis.sequenceNumber)]);
    expect(outcome).toEqual({ invocations: 2, failed: [] });
  });

  it('gives up after the retry budget and returns the records still failing', async () => {
    const records = batch(4);
    const outcome = await deliverKinesisBatch(records, async () => ({ batchItemFailures: [{ itemIdentifier: records[3]!.kinesis.sequenceNumber }] }), opts);
    expect(outcome.invocations).toBe(3); // the first delivery and two retries
    expect(outcome.failed).toEqual([[records[3]]]);
  });

  it('treats an unknown item identifier as a failure of the whole batch', async () => {
    const records = batch(3);
    const calls: number[] = [];
    await deliverKinesisBatch(records, async (e) => {
      calls.push(seqs(e).length);
      return calls.length === 1 ? { batchItemFailures: [{ itemIdentifier: 'nope' }] } : {};
    }, opts);
    expect(calls).toEqual([3, 3]);
  });

  it('bisects a batch on function errors down to the poison record, without spending retries on splits', async () => {
    const records = batch(8);
    const poison = records[5]!.kinesis.sequenceNumber;
    const delivered = new Set<string>();
    const outcome = await deliverKinesisBatch(records, async (e) => {
      const s = seqs(e);
      if (s.includes(poison)) throw new Error('boom');
      for (const x of s) delivered.add(x);
      return {};
    }, opts);
    expect(outcome.failed).toEqual([[records[5]]]);
    expect([...delivered].sort()).toEqual(records.filter((r) => r.kinesis.sequenceNumber !== poison).map((r) => r.kinesis.sequenceNumber).sort());
  });

  it('without bisecting or reporting, retries the whole batch and ignores a response body', async () => {
    const records = batch(2);
    let n = 0;
    const outcome = await deliverKinesisBatch(records, async () => {
      n++;
      if (n < 3) throw new Error('flaky');
      return { batchItemFailures: [{ itemIdentifier: records[0]!.kinesis.sequenceNumber }] };
    }, { ...opts, bisectOnError: false, reportBatchItemFailures: false });
    expect(outcome).toEqual({ invocations: 3, failed: [] });
  });

  it('writes the on-failure record Lambda writes: batch coordinates, no data', () => {
    const records = batch(3);
    const r = kinesisFailureRecord(records, { functionArn: 'arn:fn', streamArn: 'arn:stream', shardId: 'shardId-000000000000', now: new Date('2026-11-25T00:00:00Z') });
    expect(r.requestContext.condition).toBe('RetryAttemptsExhausted');
    expect(r.KinesisBatchInfo).toMatchObject({ startSequenceNumber: records[0]!.kinesis.sequenceNumber, endSequenceNumber: records[2]!.kinesis.sequenceNumber, batchSize: 3, streamArn: 'arn:stream' });
    expect(JSON.stringify(r)).not.toContain(records[0]!.kinesis.data);
  });

  it('reads rate() schedules and refuses cron', () => {
    expect(rateMs('rate(1 minute)')).toBe(60_000);
    expect(rateMs('rate(5 minutes)')).toBe(300_000);
    expect(rateMs('rate(2 hours)')).toBe(7_200_000);
    expect(() => rateMs('cron(0 12 * * ? *)')).toThrow(/not supported locally/);
  });
});
