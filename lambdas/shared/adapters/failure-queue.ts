// SQS adapter for the failure (dead-letter) queue: poison records are kept there with the reason they were refused.
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { isTransient, retryPending, type BackoffOptions } from '../retry.ts';

/** Largest record payload copied into a failure message; larger ones keep their size and a prefix. */
export const MAX_KEPT_BYTES = 200 * 1024;

/** One refused item and why. */
export interface FailureMessage {
  /** Stable id of the item (e.g. the Kinesis sequence number). */
  readonly id: string;
  /** Short machine-readable class: invalid-json, invalid-schema, oversized, ... */
  readonly reason: string;
  /** Human-readable detail, e.g. the JSON path of the bad field. */
  readonly detail: string;
  /** Where the item came from and the item itself. */
  readonly item: Record<string, unknown>;
}

/** Sends failure messages to the queue, 10 a request, with retries; returns the ids that could not be sent. */
export class FailureQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly origin: string,
    private readonly backoff: BackoffOptions = {},
  ) {}

  async send(messages: FailureMessage[], failedAt: string): Promise<string[]> {
    const unsent: string[] = [];
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10).map((m, j) => ({ ...m, entryId: `m${i + j}` }));
      const left = await retryPending(
        chunk,
        async (pending) => {
          try {
            const res = await this.sqs.send(
              new SendMessageBatchCommand({
                QueueUrl: this.queueUrl,
                Entries: pending.map((m) => ({
                  Id: m.entryId,
                  MessageBody: JSON.stringify({ origin: this.origin, failedAt, id: m.id, reason: m.reason, detail: m.detail, item: m.item }),
                  MessageAttributes: {
                    reason: { DataType: 'String', StringValue: m.reason },
                    origin: { DataType: 'String', StringValue: this.origin },
                  },
                })),
              }),
            );
            const failed = new Set((res.Failed ?? []).map((f) => f.Id));
            return pending.filter((m) => failed.has(m.entryId));
          } catch (e) {
            if (isTransient(e)) return pending;
            throw e;
          }
        },
        this.backoff,
      );
      unsent.push(...left.map((m) => m.id));
    }
    return unsent;
  }
}
