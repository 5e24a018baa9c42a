// Fault injection for DynamoDB and the rest of the AWS clients: throttling and UnprocessedItems at the HTTP layer (so
// the SDK's own retries run as in production), and a "process" that dies mid-invocation.
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { endpoint } from './aws.ts';

/** A seeded PRNG (mulberry32): the same faults on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The SDK's standard retry behaviour (3 attempts; throttling, transient and 5xx errors retried) with millisecond
 * delays instead of the 100–500 ms base, so a test with thousands of injected faults stays fast.
 */
export function fastRetries(maxAttempts = 3) {
  const token = (count: number) => ({ getRetryCount: () => count, getRetryDelay: () => 1 });
  return {
    acquireInitialRetryToken: async () => token(0),
    refreshRetryTokenForRetry: async (t: { getRetryCount(): number }, info: { errorType: string }) => {
      if (info.errorType === 'CLIENT_ERROR' || t.getRetryCount() + 1 >= maxAttempts) throw new Error('no retry');
      return token(t.getRetryCount() + 1);
    },
    recordSuccess: () => undefined,
  };
}

/** What the faulty DynamoDB did. */
export interface DynamoFaultStats {
  requests: number;
  throttled: number;
  /** BatchWriteItem requests of which half was answered as UnprocessedItems. */
  partial: number;
  unprocessedItems: number;
}

interface HttpRequestLike {
  headers: Record<string, string>;
  body?: unknown;
}

const text = (body: unknown): string => (typeof body === 'string' ? body : body instanceof Uint8Array ? new TextDecoder().decode(body) : '');

async function readAll(body: unknown): Promise<string> {
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  const chunks: Buffer[] = [];
  for await (const c of body as AsyncIterable<Buffer | string>) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}

const jsonResponse = (statusCode: number, body: unknown, extra: Record<string, string> = {}) => ({
  response: {
    statusCode,
    headers: { 'content-type': 'application/x-amz-json-1.0', ...extra },
    body: Readable.from([Buffer.from(JSON.stringify(body))]),
  },
});

/**
 * A DynamoDB document client on moto whose requests fail at `rate`: half of the failures are a 400
 * ProvisionedThroughputExceededException (the request never reaches the table; the SDK retries it up to 3 attempts),
 * the other half — on BatchWriteItem — write only the first half of the items and return the rest as
 * UnprocessedItems, as DynamoDB does when a partition is hot (`partialShare` of them, default 0.5). `operations`
 * limits the faults to some operations.
 */
export function throttledDynamo(o: { rate: number; seed: number; operations?: readonly string[]; partialShare?: number }): { db: DynamoDBDocumentClient; stats: DynamoFaultStats } {
  const rand = seededRandom(o.seed);
  const inner = new NodeHttpHandler();
  const stats: DynamoFaultStats = { requests: 0, throttled: 0, partial: 0, unprocessedItems: 0 };
  const handler = {
    metadata: { handlerProtocol: 'http/1.1' },
    async handle(request: HttpRequestLike, options?: unknown) {
      const target = request.headers['x-amz-target'] ?? '';
      const op = target.slice(target.indexOf('.') + 1);
      stats.requests++;
      const faulty = (!o.operations || o.operations.includes(op)) && rand() < o.rate;
      if (faulty && op === 'BatchWriteItem' && rand() < (o.partialShare ?? 0.5)) {
        const input = JSON.parse(text(request.body)) as { RequestItems: Record<string, unknown[]> };
        const [table, items] = Object.entries(input.RequestItems)[0]!;
        const keep = Math.ceil(items.length / 2);
        if (items.length > 1) {
          const body = JSON.stringify({ ...input, RequestItems: { [table]: items.slice(0, keep) } });
          const res = await inner.handle({ ...request, body, headers: { ...request.headers, 'content-length': String(Buffer.byteLength(body)) } } as never, options as never);
          const answer = JSON.parse(await readAll(res.response.body)) as { UnprocessedItems?: Record<string, unknown[]> };
          if (res.response.statusCode !== 200) return jsonResponse(res.response.statusCode, answer);
          stats.partial++;
          stats.unprocessedItems += items.length - keep;
          const left = [...(answer.UnprocessedItems?.[table] ?? []), ...items.slice(keep)];
          return jsonResponse(200, { ...answer, UnprocessedItems: { [table]: left } });
        }
      }
      if (faulty) {
        stats.throttled++;
        return jsonResponse(
          400,
          { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'The level of configured provisioned throughput for the table was exceeded.' },
          { 'x-amzn-errortype': 'ProvisionedThroughputExceededException' },
        );
      }
      return inner.handle(request as never, options as never);
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    destroy: () => inner.destroy(),
  };
  const base = new DynamoDBClient({ endpoint: endpoint(), region: 'ap-southeast-1', requestHandler: handler as never, retryStrategy: fastRetries(3) as never });
  return { db: DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } }), stats };
}

/** The error a crashed invocation ends with (as Lambda reports a function that died: the whole batch is retried). */
export class ProcessCrashed extends Error {
  override readonly name = 'ProcessCrashed';
}

/**
 * One Lambda execution environment that dies at a chosen point: `wrap` gives clients whose calls, once `crash()`
 * happened, never answer (a dead process makes no further request), and `invoke` races an invocation against the
 * crash, so the caller sees a function error. Requests already sent before the crash still land, as they would.
 */
export class CrashingProcess {
  crashed = false;
  private fail!: (e: Error) => void;
  readonly died = new Promise<never>((_, reject) => {
    this.fail = reject;
  });
  /** Calls seen per command name, before the crash. */
  readonly calls: Record<string, number> = {};

  constructor(
    /** Decides, before a call is sent, whether the process dies instead of sending it. */
    private readonly before: (command: string, n: number) => boolean = () => false,
    /** Decides, after a call was answered, whether the process dies before using the answer. */
    private readonly after: (command: string, n: number) => boolean = () => false,
  ) {
    this.died.catch(() => undefined);
  }

  crash(): Promise<never> {
    if (!this.crashed) {
      this.crashed = true;
      this.fail(new ProcessCrashed('the execution environment died mid-invocation'));
    }
    return new Promise<never>(() => undefined);
  }

  /** A client whose `send` obeys this process's fate. */
  wrap<T extends { send: (...args: any[]) => Promise<any> }>(client: T): T {
    return new Proxy(client, {
      get: (target, prop, receiver) => {
        if (prop !== 'send') return Reflect.get(target, prop, receiver);
        return async (command: { constructor: { name: string } }, ...rest: unknown[]) => {
          if (this.crashed) return this.crash();
          const name = command.constructor.name;
          const n = (this.calls[name] = (this.calls[name] ?? 0) + 1);
          if (this.before(name, n)) return this.crash();
          const result = await target.send(command, ...rest);
          if (this.crashed) return this.crash();
          if (this.after(name, n)) return this.crash();
          return result;
        };
      },
    });
  }

  /** Runs an invocation in this process: its result, or ProcessCrashed if the process died first. */
  invoke<R>(run: () => Promise<R>): Promise<R> {
    if (this.crashed) return Promise.reject(new ProcessCrashed('this execution environment is gone'));
    return Promise.race([run(), this.died]);
  }
}
