// Least-privilege grants with explicit action lists: no wildcard actions and no index/* resources to acknowledge.
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

// CDK's grantReadData/grantWriteData add `kms:ReEncrypt*` and `kms:GenerateDataKey*` and, once a table has an
// index, `<table>/index/*`. The tables have no index (zone queries merge per-source queries) and the services only
// need the data-key calls below, so each grant names its actions instead.

/** Table access levels: `getItem` (single-item lookups only), `read` (items and queries), `readWrite`. */
export type TableAccess = 'getItem' | 'read' | 'readWrite';

/** DynamoDB item reads on the table (incl. `ConditionCheckItem` for transactions). */
export const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
] as const;
/** DynamoDB item writes on the table. */
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;
/** KMS calls a reader of a KMS-encrypted table, stream or queue makes. */
export const KEY_DECRYPT_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'] as const;
/** KMS calls a writer makes (DynamoDB, Kinesis and SQS producers all need a data key). */
export const KEY_ENCRYPT_ACTIONS = ['kms:Encrypt', 'kms:GenerateDataKey'] as const;
/** Kinesis producer actions (PutRecord(s); ListShards lets producers such as the KPL map keys to shards). */
export const STREAM_WRITE_ACTIONS = ['kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:ListShards'] as const;

/**
 * Grants item access on `table` and the matching calls on its customer-managed key. Resources are the table ARN and,
 * for queries, the named `indexes` one by one (CDK's own grant would add a `<table>/index/*` wildcard).
 */
export function grantTableData(table: dynamodb.ITable, grantee: iam.IGrantable, access: TableAccess, indexes: readonly string[] = []): void {
  const actions =
    access === 'getItem'
      ? ['dynamodb:GetItem']
      : access === 'read'
        ? [...TABLE_READ_ACTIONS]
        : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS];
  const resourceArns = [table.tableArn, ...(access === 'getItem' ? [] : indexes.map((i) => `${table.tableArn}/index/${i}`))];
  iam.Grant.addToPrincipal({ grantee, actions, resourceArns });
  if (table.encryptionKey) {
    const keyActions = access === 'readWrite' ? [...KEY_DECRYPT_ACTIONS, ...KEY_ENCRYPT_ACTIONS] : [...KEY_DECRYPT_ACTIONS];
    table.encryptionKey.grant(grantee, ...keyActions);
  }
}

/** Grants PutRecord(s) on `stream` and a data key from its customer-managed key (Kinesis producers need only that). */
export function grantStreamWrite(stream: kinesis.IStream, grantee: iam.IGrantable): void {
  stream.grant(grantee, ...STREAM_WRITE_ACTIONS);
  stream.encryptionKey?.grant(grantee, 'kms:GenerateDataKey');
}

/** Grants SendMessage on `queue` and the data-key calls an SSE-KMS producer makes. */
export function grantQueueSend(queue: sqs.IQueue, grantee: iam.IGrantable): void {
  queue.grant(grantee, 'sqs:SendMessage');
  queue.encryptionMasterKey?.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
}

/** Grants Publish on `topic` and the data-key calls publishing to an SSE-KMS topic needs. */
export function grantTopicPublish(topic: sns.ITopic, key: kms.IKey | undefined, grantee: iam.IGrantable): void {
  iam.Grant.addToPrincipal({ grantee, actions: ['sns:Publish'], resourceArns: [topic.topicArn] });
  key?.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
}
