// An in-process AWS for benchmarks: a @smithy HttpHandler answering DynamoDB, SQS and SNS from memory, so the SDK's
// own work (serialisation, signing, middleware, parsing) is measured without a network or an emulator in the way.
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';

/** The HTTP request the SDK hands its request handler (the parts the fake reads). */
interface SdkRequest {
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
  readonly path?: string;
}

/** A DynamoDB attribute value in its wire form (`{S: ...}`, `{N: ...}`, `{M: {...}}`, ...). */
type Wire = Record<string, unknown>;
type WireItem = Record<string, Wire>;

/** A DynamoDB error as the JSON protocol answers it. */
class DynamoError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const str = (v: Wire | undefined): string | undefined => (v && typeof v.S === 'string' ? v.S : undefined);

/** One table: items by partition key, then by sort key (kept unsorted; queries sort what they return). */
class Table {
  readonly partitions = new Map<string, Map<string, WireItem>>();
  size = 0;

  get(key: WireItem): WireItem | undefined {
    return this.partitions.get(str(key.pk)!)?.get(str(key.sk) ?? '');
  }

  put(item: WireItem): void {
    const pk = str(item.pk);
    if (pk === undefined) throw new DynamoError('ValidationException', 'One of the required keys was not given a value');
    let p = this.partitions.get(pk);
    if (!p) this.partitions.set(pk, (p = new Map()));
    const sk = str(item.sk) ?? '';
    if (!p.has(sk)) this.size++;
    p.set(sk, item);
  }

  delete(key: WireItem): void {
    const p = this.partitions.get(str(key.pk)!);
    if (p?.delete(str(key.sk) ?? '')) this.size--;
  }
}

/**
 * The fake DynamoDB: BatchWriteItem, PutItem, GetItem, Query (base table, `pk = :p` with an optional `BETWEEN` or
 * `begins_with` on `sk`), TransactWriteItems, UpdateItem (the shapes this project sends), with the conditions the
 * project uses (`attribute_not_exists(pk)`, `version = :v`, `pendingAlert.#at = :at`). Anything else is refused
 * loudly, so a benchmark never silently measures a no-op.
 */
export class FakeDynamo {
  readonly tables = new Map<string, Table>();
  readonly calls: Record<string, number> = {};
  /** Called before an operation is applied: a thrown error becomes the answer (fault injection). */
  beforeOperation?: (operation: string, input: Record<string, unknown>) => void;

  table(name: string): Table {
    let t = this.tables.get(name);
    if (!t) this.tables.set(name, (t = new Table()));
    return t;
  }

  answer(operation: string, input: Record<string, any>): unknown {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
    this.beforeOperation?.(operation, input);
    switch (operation) {
      case 'BatchWriteItem': {
        for (const [name, requests] of Object.entries(input.RequestItems as Record<string, any[]>)) {
          if (requests.length > 25) throw new DynamoError('ValidationException', 'Too many items requested for the BatchWriteItem call');
          const t = this.table(name);
          for (const r of requests) {
            if (r.PutRequest) t.put(r.PutRequest.Item);
            else if (r.DeleteRequest) t.delete(r.DeleteRequest.Key);
          }
        }
        return { UnprocessedItems: {} };
      }
      case 'PutItem': {
        const t = this.table(input.TableName);
        this.check(input, t.get(input.Item));
        t.put(input.Item);
        return {};
      }
      case 'GetItem': {
        const item = this.table(input.TableName).get(input.Key);
        return item ? { Item: item } : {};
      }
      case 'Query':
        return this.query(input);
      case 'TransactWriteItems': {
        const items = input.TransactItems as Array<Record<string, any>>;
        const reasons = items.map((ti) => {
          const op = ti.Put ?? ti.Update ?? ti.Delete ?? ti.ConditionCheck;
          try {
            this.check(op, this.table(op.TableName).get(op.Item ?? op.Key));
            return { Code: 'None' };
          } catch (e) {
            if (e instanceof DynamoError && e.type === 'ConditionalCheckFailedException') return { Code: 'ConditionalCheckFailed', Message: e.message };
            throw e;
          }
        });
        if (reasons.some((r) => r.Code !== 'None')) {
          throw new DynamoError('TransactionCanceledException', 'Transaction cancelled, please refer cancellation reasons for specific reasons', {
            CancellationReasons: reasons,
          });
        }
        for (const ti of items) {
          if (ti.Put) this.table(ti.Put.TableName).put(ti.Put.Item);
          else throw new DynamoError('ValidationException', 'the fake applies Put transaction items only');
        }
        return {};
      }
      case 'UpdateItem':
        return this.update(input);
      default:
        throw new DynamoError('UnknownOperationException', `the fake DynamoDB does not implement ${operation}`);
    }
  }

  private check(op: Record<string, any>, current: WireItem | undefined): void {
    const cond = op.ConditionExpression as string | undefined;
    if (!cond) return;
    const values = (op.ExpressionAttributeValues ?? {}) as WireItem;
    const names = (op.ExpressionAttributeNames ?? {}) as Record<string, string>;
    let ok: boolean;
    if (cond === 'attribute_not_exists(pk)') ok = current === undefined;
    else if (cond === 'version = :v') ok = current?.version?.N !== undefined && current.version.N === values[':v']?.N;
    else if (/^pendingAlert\.#\w+ = :\w+$/.test(cond)) {
      const [, nameRef, valueRef] = /^pendingAlert\.(#\w+) = (:\w+)$/.exec(cond)!;
      const pending = current?.pendingAlert?.M as WireItem | undefined;
      ok = pending !== undefined && str(pending[names[nameRef!]!]) === str(values[valueRef!]);
    } else throw new DynamoError('ValidationException', `the fake does not evaluate the condition "${cond}"`);
    if (!ok) throw new DynamoError('ConditionalCheckFailedException', 'The conditional request failed');
  }

  /**
   * UpdateItem for the clause shapes the project sends: `ADD a :v, #b :v`, `SET x = y + :v`,
   * `SET x = list_append(if_not_exists(x, :empty), :s)`, `SET x = :v` and `REMOVE a, b`.
   */
  private update(input: Record<string, any>): unknown {
    const t = this.table(input.TableName);
    const current = t.get(input.Key);
    this.check(input, current);
    const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
    const values = (input.ExpressionAttributeValues ?? {}) as WireItem;
    const name = (ref: string) => names[ref] ?? ref;
    const next: WireItem = { ...(current ?? input.Key) };
    const clauses = String(input.UpdateExpression).split(/\b(?=SET |ADD |REMOVE )/);
    for (const clause of clauses) {
      const [keyword, ...rest] = clause.trim().split(' ');
      for (const part of rest.join(' ').split(/,(?![^(]*\))/).map((x) => x.trim()).filter(Boolean)) {
        if (keyword === 'REMOVE') delete next[name(part)];
        else if (keyword === 'ADD') {
          const [attr, ref] = part.split(/\s+/) as [string, string];
          next[name(attr)] = { N: String(Number(next[name(attr)]?.N ?? 0) + Number(values[ref]!.N)) };
        } else if (keyword === 'SET') {
          const [lhs, rhs] = part.split('=').map((x) => x.trim()) as [string, string];
          let m: RegExpExecArray | null;
          if ((m = /^(\S+) \+ (:\w+)$/.exec(rhs))) next[name(lhs)] = { N: String(Number(next[name(m[1]!)]?.N ?? 0) + Number(values[m[2]!]!.N)) };
          else if ((m = /^list_append\(if_not_exists\((\S+), (:\w+)\), (:\w+)\)$/.exec(rhs))) {
            const base = (next[name(m[1]!)] ?? values[m[2]!]!).L as Wire[];
            next[name(lhs)] = { L: [...base, ...(values[m[3]!]!.L as Wire[])] };
          } else if (/^:\w+$/.test(rhs)) next[name(lhs)] = values[rhs]!;
          else throw new DynamoError('ValidationException', `the fake does not apply "SET ${part}"`);
        } else throw new DynamoError('ValidationException', `the fake does not apply the update "${input.UpdateExpression}"`);
      }
    }
    t.put(next);
    return {};
  }

  private query(input: Record<string, any>): unknown {
    if (input.IndexName) throw new DynamoError('ValidationException', 'the fake queries base tables only');
    const values = input.ExpressionAttributeValues as WireItem;
    const expr = String(input.KeyConditionExpression);
    const m = /^pk = (:\w+)(?: AND (?:sk BETWEEN (:\w+) AND (:\w+)|begins_with\(sk, (:\w+)\)))?$/.exec(expr);
    if (!m) throw new DynamoError('ValidationException', `the fake does not evaluate the key condition "${expr}"`);
    const partition = this.table(input.TableName).partitions.get(str(values[m[1]!])!);
    let sks = partition ? [...partition.keys()] : [];
    if (m[2]) {
      const from = str(values[m[2]])!;
      const to = str(values[m[3]!])!;
      sks = sks.filter((sk) => sk >= from && sk <= to);
    } else if (m[4]) {
      const prefix = str(values[m[4]])!;
      sks = sks.filter((sk) => sk.startsWith(prefix));
    }
    sks.sort();
    if (input.ScanIndexForward === false) sks.reverse();
    const after = str((input.ExclusiveStartKey as WireItem | undefined)?.sk);
    if (after !== undefined) sks = sks.filter((sk) => (input.ScanIndexForward === false ? sk < after : sk > after));
    const limit = typeof input.Limit === 'number' ? input.Limit : Infinity;
    const page = sks.slice(0, limit);
    const items = page.map((sk) => partition!.get(sk)!);
    const last = page.length < sks.length ? items[items.length - 1] : undefined;
    return {
      Items: items,
      Count: items.length,
      ScannedCount: items.length,
      ...(last ? { LastEvaluatedKey: { pk: last.pk, sk: last.sk } } : {}),
    };
  }
}

/** The fake SQS: SendMessageBatch and SendMessage keep the messages (with the MD5 the SDK checks). */
export class FakeSqs {
  readonly messages: Array<{ queueUrl: string; body: string }> = [];
  readonly calls: Record<string, number> = {};

  answer(operation: string, input: Record<string, any>): unknown {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
    const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');
    if (operation === 'SendMessageBatch') {
      const entries = input.Entries as Array<{ Id: string; MessageBody: string }>;
      for (const e of entries) this.messages.push({ queueUrl: input.QueueUrl, body: e.MessageBody });
      return { Successful: entries.map((e) => ({ Id: e.Id, MessageId: randomUUID(), MD5OfMessageBody: md5(e.MessageBody) })), Failed: [] };
    }
    if (operation === 'SendMessage') {
      this.messages.push({ queueUrl: input.QueueUrl, body: input.MessageBody });
      return { MessageId: randomUUID(), MD5OfMessageBody: md5(input.MessageBody) };
    }
    throw new DynamoError('UnsupportedOperation', `the fake SQS does not implement ${operation}`);
  }
}

/** The fake SNS (query protocol): Publish only. */
export class FakeSns {
  readonly published: Array<Record<string, string>> = [];

  answer(form: URLSearchParams): string {
    if (form.get('Action') !== 'Publish') throw new Error(`the fake SNS does not implement ${form.get('Action')}`);
    this.published.push(Object.fromEntries(form));
    return (
      '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>' +
      `<MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId>` +
      '</ResponseMetadata></PublishResponse>'
    );
  }
}

const textDecoder = new TextDecoder();

function bodyText(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return textDecoder.decode(body);
  throw new Error('the fake handler reads string or byte bodies only');
}

const respond = (statusCode: number, headers: Record<string, string>, text: string) => ({
  response: { statusCode, headers, body: Readable.from([Buffer.from(text, 'utf8')]) },
});

/**
 * A request handler for an SDK v3 client (`new DynamoDBClient({ requestHandler })`): it answers in-process from
 * `service`. The SDK builds, signs and parses real HTTP messages; only the socket is missing.
 */
export function fakeRequestHandler(service: FakeDynamo | FakeSqs | FakeSns) {
  return {
    metadata: { handlerProtocol: 'http/1.1' },
    async handle(request: SdkRequest) {
      if (service instanceof FakeSns) {
        try {
          return respond(200, { 'content-type': 'text/xml' }, service.answer(new URLSearchParams(bodyText(request.body))));
        } catch (e) {
          return respond(400, { 'content-type': 'text/xml' }, `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${(e as Error).message}</Message></Error></ErrorResponse>`);
        }
      }
      const target = request.headers['x-amz-target'] ?? request.headers['X-Amz-Target'] ?? '';
      const operation = target.slice(target.indexOf('.') + 1);
      const contentType = service instanceof FakeDynamo ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.0';
      try {
        const out = service.answer(operation, JSON.parse(bodyText(request.body) || '{}'));
        return respond(200, { 'content-type': contentType, 'x-amzn-requestid': randomUUID() }, JSON.stringify(out));
      } catch (e) {
        const err = e as DynamoError;
        const type = err.type ?? 'InternalServerError';
        const status = type === 'InternalServerError' ? 500 : 400;
        return respond(status, { 'content-type': contentType, 'x-amzn-errortype': type }, JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: err.message, ...(err.extra ?? {}) }));
      }
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() {
      return {};
    },
    destroy() {},
  };
}

/** Static credentials: no provider chain is consulted, and nothing can reach a real account. */
export const BENCH_CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' } as const;
