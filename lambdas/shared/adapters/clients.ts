// AWS SDK clients, one per service, built once per container; the only place endpoints and HTTP handlers are chosen.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { S3Client } from '@aws-sdk/client-s3';
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

/**
 * An S3 client. With an endpoint override (moto, the local province) it uses path-style addressing, which local
 * emulators need. Checksums only when an operation requires one: a presigned PUT must not carry the SDK's default
 * CRC32 of an empty body, or the camera's upload of the real bytes would be refused.
 */
export function s3Client(o: ClientOptions = {}): S3Client {
  return new S3Client({
    ...o,
    forcePathStyle: o.endpoint !== undefined,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: httpHandler(),
  });
}

/** A Rekognition client (DetectLabels, StartLabelDetection, GetLabelDetection; never a face API). */
export function rekognitionClient(o: ClientOptions = {}): RekognitionClient {
  return new RekognitionClient({ ...o, requestHandler: httpHandler() });
}
