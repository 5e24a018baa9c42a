// Bounded exponential backoff with full jitter, for the retries the SDK does not do for us (partial batch failures).

/** Options for `withBackoff`. */
export interface BackoffOptions {
  /** Attempts in all, including the first. @default 8 */
  readonly attempts?: number;
  /** First delay ceiling in ms. @default 50 */
  readonly baseMs?: number;
  /** Largest delay ceiling in ms. @default 2000 */
  readonly maxMs?: number;
  /** Injected sleep (tests pass a no-op). */
  readonly sleep?: (ms: number) => Promise<void>;
}

export const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Calls `step(pending)` until it returns nothing left to do or attempts run out; returns what is still pending.
 * `step` gets the items still pending and returns the subset that must be tried again.
 */
export async function retryPending<T>(items: T[], step: (pending: T[]) => Promise<T[]>, o: BackoffOptions = {}): Promise<T[]> {
  const attempts = o.attempts ?? 8;
  const sleep = o.sleep ?? realSleep;
  let pending = items;
  for (let attempt = 0; attempt < attempts && pending.length > 0; attempt++) {
    if (attempt > 0) {
      const ceiling = Math.min(o.maxMs ?? 2_000, (o.baseMs ?? 50) * 2 ** (attempt - 1));
      await sleep(Math.random() * ceiling);
    }
    pending = await step(pending);
  }
  return pending;
}

/** Whether an AWS SDK error is worth retrying: throttling, 5xx, or marked retryable by the SDK. */
export function isTransient(e: unknown): boolean {
  const err = e as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (err?.$retryable) return true;
  const status = err?.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  return /Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded|TooManyRequests|InternalServerError|ServiceUnavailable|TimeoutError|ECONNRESET|ECONNREFUSED/.test(
    `${err?.name ?? ''} ${(e as Error)?.message ?? ''}`,
  );
}
