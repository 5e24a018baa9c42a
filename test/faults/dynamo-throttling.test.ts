// Fault: DynamoDB throttles ~30 % of the stream processor's requests (ProvisionedThroughputExceededException, retried
// by the SDK up to 3 attempts) or, on BatchWriteItem, takes only half of the items and returns the rest as
// UnprocessedItems. Expected: everything stored after the adapters' retries, or reported as batch item failures and
// stored on redelivery (the mapping retries from the first failed record) — the same state as a clean delivery.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { throttledDynamo } from '../helpers/fault-dynamo.ts';
import { deliver, nightRecords, streamProvince, type StreamSnapshot } from '../helpers/fault-stream.ts';

const BATCH = 50;
let golden: StreamSnapshot;

beforeAll(async () => {
  const p = await streamProvince();
  const h = p.handler();
  expect((await deliver(nightRecords(), BATCH, (e) => h(e))).givenUp).toEqual([]);
  golden = await p.snapshot();
}, 60_000);

describe('DynamoDB throttling and UnprocessedItems', () => {
  // Counted over the seeds: the SDK's retries absorb most throttling, but some must reach the mapping's retries.
  let redelivered = 0;
  let partial = 0;
  afterAll(() => {
    expect(redelivered).toBeGreaterThan(0);
    expect(partial).toBeGreaterThan(2);
  });

  for (const seed of [1, 2, 3]) {
    it(`~30 % of requests throttled or half-processed (seed ${seed}): nothing lost, nothing doubled`, async () => {
      // Prepare
      const p = await streamProvince();
      const faulty = throttledDynamo({ rate: 0.3, seed });
      const h = p.handler({ ...p.moto, db: faulty.db });
      const responses: Array<{ batchItemFailures: unknown[] }> = [];

      // Act
      const { givenUp, invocations } = await deliver(nightRecords(), BATCH, async (e) => {
        const res = await h(e);
        responses.push(res);
        return res;
      });

      // Assert: the faults happened, nothing was given up, and the state is the clean one
      expect(faulty.stats.throttled).toBeGreaterThan(10);
      partial += faulty.stats.partial;
      expect(givenUp).toEqual([]);
      expect(invocations).toBe(responses.length);
      redelivered += invocations - Math.ceil(nightRecords().length / BATCH);
      const s = await p.snapshot();
      expect(s.observations).toEqual(golden.observations);
      expect(s.rollups).toEqual(golden.rollups);
      expect(Object.keys(s.incidents)).toHaveLength(1);
      expect(Object.values(s.audits)).toEqual([['open']]);
      expect(Object.values(s.alerts)).toEqual([['opened']]);
      expect(s.incidents).toEqual(golden.incidents);
    });
  }

  it('writes that stay throttled are reported as batch item failures (never dropped) and stored on redelivery', async () => {
    // Prepare: every BatchWriteItem throttled for the first invocation; then DynamoDB recovers
    const p = await streamProvince();
    const jammed = throttledDynamo({ rate: 1, seed: 3, operations: ['BatchWriteItem'], partialShare: 0 });
    const records = nightRecords().slice(0, BATCH);

    // Act
    const first = await p.handler({ ...p.moto, db: jammed.db })({ Records: records });
    const second = await p.handler()({ Records: records.filter((r) => first.batchItemFailures.some((f) => f.itemIdentifier === r.kinesis.sequenceNumber)) });

    // Assert
    expect(first.batchItemFailures).toHaveLength(BATCH);
    expect(second.batchItemFailures).toEqual([]);
    const s = await p.snapshot();
    expect(Object.keys(s.observations).sort()).toEqual(Object.keys(golden.observations).filter((k) => records.some((r) => k.endsWith(JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString()).id))).sort());
  });
});
