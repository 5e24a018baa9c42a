// Kinesis adapter: PutRecords with the source as partition key, retrying the records Kinesis did not take.
import { PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { Observation } from '../domain/observation.ts';
import { isTransient, retryPending, type BackoffOptions } from '../retry.ts';

/** Puts observations on the province stream. */
export class KinesisStreamWriter {
  constructor(
    private readonly kinesis: KinesisClient,
    private readonly streamName: string,
    private readonly backoff: BackoffOptions = { attempts: 4, baseMs: 100, maxMs: 1_000 },
  ) {}

  /**
   * Puts up to 500 observations (one per source partition, so a source's readings stay ordered); records that fail
   * (throttled, internal error) are retried with backoff. Returns the ones that never made it, with the last reason.
   */
  async put(observations: Observation[]): Promise<Array<{ index: number; reason: string }>> {
    const entries = observations.map((o, index) => ({
      index,
      entry: { PartitionKey: o.source, Data: new TextEncoder().encode(JSON.stringify(o)) } satisfies PutRecordsRequestEntry,
      reason: '',
    }));
    const left = await retryPending(
      entries,
      async (pending) => {
        try {
          const res = await this.kinesis.send(new PutRecordsCommand({ StreamName: this.streamName, Records: pending.map((p) => p.entry) }));
          const again: typeof pending = [];
          (res.Records ?? []).forEach((r, i) => {
            if (r.ErrorCode) again.push({ ...pending[i]!, reason: `${r.ErrorCode}: ${r.ErrorMessage ?? ''}`.trim() });
          });
          return again;
        } catch (e) {
          if (!isTransient(e)) throw e;
          return pending.map((p) => ({ ...p, reason: `${(e as Error).name}: ${(e as Error).message}` }));
        }
      },
      this.backoff,
    );
    return left.map((l) => ({ index: l.index, reason: `stream unavailable, retry later (${l.reason})` }));
  }
}
