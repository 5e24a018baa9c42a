// AWS SDK clients, one per service, built once per container; the only place endpoints and HTTP handlers are chosen.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Where to send requests: the AWS default, or a local emulator (moto, the local province) in tests and `npm start`. */
export interface ClientOptions {
  /** Endpoint override, e.g. `http://127.0.0.1:5000`; absent: the SDK's own resolution (incl. AWS_ENDPOINT_URL). */
  readonly endpoint?: string;
  readonly region?: string;
  /** Attempts per request including the first (SDK standard retry mode). @default 3 */
  readonly maxAttempts?: number;
}

// HTTP/1.1 with keep-alive everywhere: Kinesis would default to HTTP/2, which local emulators do not speak, and
// the calls we make (PutRecords) gain nothing from it.
const httpHandler = () => new NodeHttpHandler({ connectionTimeout: 3_000, requestTimeout: 10_000 });

/** A DynamoDB document client (plain JS values in and out; undefined attributes dropped). */
export function documentClient(o: ClientOptions = {}): DynamoDBDocumentClient {
  const base = new DynamoDBClient({ ...o, requestHandler: httpHandler() });
  return DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
}

/** A Kinesis client speaking HTTP/1.1. */
export function kinesisClient(o: ClientOptions = {}): KinesisClient {
  return new KinesisClient({ ...o, requestHandler: httpHandler() });
}

/** An SQS client. */
export function sqsClient(o: ClientOptions = {}): SQSClient {
  return new SQSClient({ ...o, requestHandler: httpHandler() });
}

/** An SNS client. */
export function snsClient(o: ClientOptions = {}): SNSClient {
  return new SNSClient({ ...o, requestHandler: httpHandler() });
}
