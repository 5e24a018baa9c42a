// The house Lambda function: one NodejsFunction shape for every handler, with bind helpers that grant and configure together.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ProvinceConfig } from '../config/schema.ts';
import { ENV } from '../../lambdas/shared/env-names.ts';
import { REGISTRY_DEFINE, registryOf } from '../../lambdas/shared/province.ts';
import { grantQueueSend, grantStreamWrite, grantTableData, grantTopicPublish, type TableAccess } from './grants.ts';

/** The repository root: bundling resolves entries, package.json `imports` and the lock file from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** CloudWatch metric namespace every function publishes its EMF metrics to. */
export const METRICS_NAMESPACE = 'SmartCityPilot';

/** A name from {@link ENV}, the contract between the constructs (which set variables) and the handlers (which read them). */
export type EnvName = (typeof ENV)[keyof typeof ENV];

/** Properties of {@link ProvinceFunction}. */
export interface ProvinceFunctionProps {
  /** Handler directory under `lambdas/`, kebab-case (`process-stream`); also the Powertools service name. */
  readonly name: string;
  /** The validated province config: code, timezone, log retention, sandbox and the registry baked into the bundle. */
  readonly config: ProvinceConfig;
  /** The province key; the function's log group is encrypted with it. */
  readonly key: kms.IKey;
  /** What the function does, shown in the console. */
  readonly description: string;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
}

/**
 * A `lambdas/<name>/handler.ts` entry bundled as minified ESM with source maps for Node.js 24 on ARM64.
 *
 * It owns its role (no AWS managed policy: the role may write only to its own log group) and an explicit,
 * KMS-encrypted log group with the province's retention (not `logRetention`, which adds a custom-resource Lambda).
 * The `bind*` helpers grant access and set the environment variable in one call, so the two never drift apart.
 */
export class ProvinceFunction extends Construct {
  /** The Lambda function. */
  public readonly fn: nodejs.NodejsFunction;
  /** The function's execution role. */
  public readonly role: iam.Role;
  /** The function's log group. */
  public readonly logGroup: logs.LogGroup;
  /** The handler directory name (`process-stream`). */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ProvinceFunctionProps) {
    super(scope, id);
    const { config, name } = props;
    if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name)) {
      throw new Error(`ProvinceFunction name must be a kebab-case lambdas/ directory, got "${name}"`);
    }
    this.name = name;
    const removalPolicy = config.sandbox ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: retentionDaysAtLeast(config.retention.logDays),
      encryptionKey: props.key,
      removalPolicy,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${config.code} ${name}: execution role`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      description: `${config.code}: ${props.description}`,
      entry: join(PROJECT_ROOT, 'lambdas', name, 'handler.ts'),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        [ENV.provinceCode]: config.code,
        [ENV.timezone]: config.timezone,
        POWERTOOLS_SERVICE_NAME: name,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        // Bundle the pinned SDK v3 the tests ran against instead of whatever version the runtime ships.
        bundleAwsSDK: true,
        // ESM bundles may still contain CommonJS dependencies that call require().
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        // The province registry (zones, sensors, cameras, rules) as a JSON string literal; see lambdas/shared/province.ts.
        define: { [REGISTRY_DEFINE]: JSON.stringify(JSON.stringify(registryOf(config))) },
      },
    });

    // Active tracing adds xray:PutTraceSegments / PutTelemetryRecords on "*" to this role.
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the X-Ray actions added by active tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) use "*": ' +
        'X-Ray has no resource-level permissions. Every other statement names its resource.',
    });
  }

  /** Grants `access` on `table` (its named `indexes` and its key) and sets `envName` to the table name. */
  public bindTable(table: dynamodb.ITable, envName: EnvName, access: TableAccess, indexes: readonly string[] = []): this {
    grantTableData(table, this.role, access, indexes);
    this.fn.addEnvironment(envName, table.tableName);
    return this;
  }

  /** Grants PutRecord(s) on `stream` (and a data key) and sets `envName` to the stream name. */
  public bindStream(stream: kinesis.IStream, envName: EnvName, access: 'write'): this {
    if (access === 'write') grantStreamWrite(stream, this.role);
    this.fn.addEnvironment(envName, stream.streamName);
    return this;
  }

  /** Grants SendMessage on `queue` (and its key) and sets `envName` to the queue URL. */
  public bindQueue(queue: sqs.IQueue, envName: EnvName, access: 'send'): this {
    if (access === 'send') grantQueueSend(queue, this.role);
    this.fn.addEnvironment(envName, queue.queueUrl);
    return this;
  }

  /** Grants Publish on `topic` (encrypted with `key`) and sets `envName` to the topic ARN. */
  public bindTopic(topic: sns.ITopic, key: kms.IKey | undefined, envName: EnvName): this {
    grantTopicPublish(topic, key, this.role);
    this.fn.addEnvironment(envName, topic.topicArn);
    return this;
  }

  /** Sets a plain configuration variable (no grant involved). */
  public setEnv(envName: EnvName, value: string): this {
    this.fn.addEnvironment(envName, value);
    return this;
  }
}

// CloudWatch Logs accepts only these retention periods (days).
const RETENTION_STEPS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** The shortest retention CloudWatch Logs accepts that keeps logs at least `days` (never less than configured). */
export function retentionDaysAtLeast(days: number): logs.RetentionDays {
  const step = RETENTION_STEPS.find((d) => d >= days);
  if (step === undefined) throw new Error(`log retention of ${days} days exceeds the CloudWatch maximum of 3653`);
  return step as logs.RetentionDays;
}
