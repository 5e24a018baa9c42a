// Factories for real AWS event shapes: Kinesis stream batches and HTTP API (payload 2.0) requests.
import type { APIGatewayProxyEventV2, Context, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

let seq = 49_000_000_000_000_000_000_000_000_000_000_000_000_000_000n;

/** A Kinesis record carrying `payload` (an object is JSON-encoded; a string or Buffer is sent as is). */
export function kinesisRecord(payload: unknown, partitionKey = 'pk'): KinesisStreamRecord {
  seq += 1n;
  const data = Buffer.isBuffer(payload)
    ? payload.toString('base64')
    : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload), 'utf8').toString('base64');
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber: seq.toString(),
      data,
      approximateArrivalTimestamp: 1_764_084_600.123,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000000:${seq.toString()}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/process-stream',
    awsRegion: 'ap-southeast-1',
    eventSourceARN: 'arn:aws:kinesis:ap-southeast-1:123456789012:stream/test',
  };
}

/** A Kinesis event with these records. */
export const kinesisEvent = (records: KinesisStreamRecord[]): KinesisStreamEvent => ({ Records: records });

/** A sensor observation envelope (v1) with sensible defaults. */
export function observation(over: Partial<Record<string, unknown>> = {}): Record<string, unknown> {
  return {
    v: 1,
    id: `obs-${Math.random().toString(36).slice(2, 10)}`,
    source: 'aq-dn-001',
    kind: 'pm25',
    zone: 'dn-bach-dang',
    ts: '2026-11-25T15:30:00.000Z',
    value: 42,
    ...over,
  };
}

/** An HTTP API payload-2.0 request, as API Gateway hands it to a Lambda integration. */
export function httpEvent(
  routeKey: string,
  o: {
    path?: string;
    pathParameters?: Record<string, string>;
    query?: Record<string, string>;
    body?: unknown;
    headers?: Record<string, string>;
    claims?: Record<string, string>;
    authorizerContext?: Record<string, unknown>;
    rawBody?: string;
  } = {},
): APIGatewayProxyEventV2 & { requestContext: { authorizer?: unknown } } {
  const [method, routePath] = routeKey.split(' ') as [string, string];
  const rawPath = o.path ?? routePath.replace(/\{(\w+)\}/g, (_, k: string) => o.pathParameters?.[k] ?? k);
  const query = o.query ?? {};
  const body = o.rawBody ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: new URLSearchParams(query).toString(),
    headers: { 'content-type': 'application/json', ...o.headers },
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: o.pathParameters,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api123',
      domainName: 'api123.execute-api.ap-southeast-1.amazonaws.com',
      domainPrefix: 'api123',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'vitest' },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey,
      stage: '$default',
      time: '25/Nov/2026:15:30:00 +0000',
      timeEpoch: 1_764_084_600_000,
      ...(o.claims ? { authorizer: { jwt: { claims: o.claims, scopes: [] } } } : {}),
      ...(o.authorizerContext ? { authorizer: { lambda: o.authorizerContext } } : {}),
    },
  } as APIGatewayProxyEventV2 & { requestContext: { authorizer?: unknown } };
}

/** A Lambda context fixture. */
export const lambdaContext = (name = 'test-function'): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: name,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:ap-southeast-1:123456789012:function:${name}`,
  memoryLimitInMB: '512',
  awsRequestId: `req-${Math.random().toString(36).slice(2)}`,
  logGroupName: `/aws/lambda/${name}`,
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});
