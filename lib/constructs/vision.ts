// The crowd module: the frames bucket, S3 → SQS → analyze-frame → Rekognition DetectLabels → the stream, camera
// upload URLs, stored-clip analysis with Rekognition Video (StartLabelDetection → SNS → finish-clip), and alarms.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ProvinceConfig } from '../config/schema.ts';
import { ENV } from '../../lambdas/shared/env-names.ts';
import type { CentralStore } from './central-store.ts';
import { ProvinceFunction } from './province-function.ts';
import type { ProvinceKey } from './province-key.ts';

/** Published DetectLabels price per image (first tier), used to derive the daily cap from the budget. */
export const DETECT_LABELS_USD = 0.001;
/** Share of the monthly budget Rekognition may use when the config sets no cap. */
export const REKOGNITION_BUDGET_SHARE = 0.8;

/** The daily DetectLabels cap: the config's, or 80% of the monthly budget spread over 30 days. */
export function rekognitionDailyCap(config: ProvinceConfig): number {
  return config.budget.rekognitionDailyCap ?? Math.floor((config.budget.monthlyUsd * REKOGNITION_BUDGET_SHARE) / 30 / DETECT_LABELS_USD);
}

/** Properties of {@link Vision}. */
export interface VisionProps {
  readonly config: ProvinceConfig;
  readonly key: ProvinceKey;
  readonly store: CentralStore;
  readonly stream: kinesis.IStream;
  /** Ops notices (the daily cap reached). */
  readonly opsTopic: sns.ITopic;
}

/**
 * Frames land under `frames/<camera>/…` through presigned PUT URLs (only the camera's own new key, type and size);
 * S3 notifies an encrypted queue (with its own dead-letter queue); the analyzer applies the cost guards and calls
 * DetectLabels on the S3 object (no image bytes through Lambda). Frames and clips expire by lifecycle. No face API
 * is granted anywhere.
 */
export class Vision extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly accessLogs: s3.Bucket;
  public readonly framesQueue: sqs.Queue;
  public readonly framesDlq: sqs.Queue;
  public readonly analyzer: ProvinceFunction;
  public readonly uploadUrls: ProvinceFunction;
  public readonly startClip: ProvinceFunction;
  public readonly finishClip: ProvinceFunction;
  public readonly clipTopic: sns.Topic;
  public readonly clipRole: iam.Role;
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** The daily cap given to the functions. */
  public readonly dailyCap: number;
  private readonly keyRef: kms.IKey;
  private readonly code: string;

  constructor(scope: Construct, id: string, props: VisionProps) {
    super(scope, id);
    const { config, store, stream } = props;
    const key = props.key.key;
    this.keyRef = key;
    this.code = config.code;
    const removalPolicy = config.sandbox ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    this.dailyCap = rekognitionDailyCap(config);

    // Server access logs must go to an SSE-S3 bucket (S3 log delivery cannot use a customer-managed key).
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(Math.max(90, config.retention.logDays)) }],
      removalPolicy,
    });

    this.bucket = new s3.Bucket(this, 'Frames', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'frames-bucket/',
      lifecycleRules: [
        { id: 'FramesExpire', prefix: 'frames/', expiration: Duration.days(config.retention.frameDays) },
        { id: 'ClipsExpire', prefix: 'clips/', expiration: Duration.days(config.retention.frameDays) },
        { id: 'AbortUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy,
    });

    this.framesDlq = new sqs.Queue(this, 'FramesDlq', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    const analyzerTimeout = Duration.seconds(60);
    this.framesQueue = new sqs.Queue(this, 'FramesQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      // Six times the function timeout, as Lambda advises for SQS sources.
      visibilityTimeout: Duration.seconds(analyzerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.framesDlq, maxReceiveCount: 5 },
      removalPolicy,
    });
    // S3 delivers ObjectCreated notifications to the encrypted queue with the province key.
    props.key.allowServiceDelivery('s3.amazonaws.com', 'AllowS3NotificationsToEncryptedQueues');
    const queuePolicy = this.framesQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowS3FrameNotificationsFromThisAccount',
        principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.framesQueue.queueArn],
        // The bucket's ARN would make a dependency cycle (bucket → queue policy → bucket); the account pins it instead.
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    // Set on the L1 bucket rather than through addEventNotification, which adds a custom-resource Lambda.
    const cfnBucket = this.bucket.node.defaultChild as s3.CfnBucket;
    cfnBucket.notificationConfiguration = {
      queueConfigurations: [
        { event: 's3:ObjectCreated:*', queue: this.framesQueue.queueArn, filter: { s3Key: { rules: [{ name: 'prefix', value: 'frames/' }] } } },
      ],
    };
    if (queuePolicy.policyDependable) cfnBucket.node.addDependency(queuePolicy.policyDependable);

    // analyze-frame: guards, then DetectLabels on the S3 object; counts go on the stream.
    this.analyzer = new ProvinceFunction(this, 'AnalyzeFrame', {
      name: 'analyze-frame',
      config,
      key,
      description: 'frames → cost guards → Rekognition DetectLabels (Person) → people count on the stream',
      memorySize: 1024,
      timeout: analyzerTimeout,
    })
      .bindTable(store.registry, ENV.registryTable, 'readWrite')
      .bindStream(stream, ENV.streamName, 'write')
      .bindTopic(props.opsTopic, key, ENV.opsTopicArn)
      .setEnv(ENV.framesBucket, this.bucket.bucketName)
      .setEnv(ENV.rekognitionDailyCap, String(this.dailyCap));
    this.grantRead(this.analyzer, 'frames/*');
    this.allowRekognition(this.analyzer, ['rekognition:DetectLabels']);
    this.analyzer.fn.addEventSource(
      new sources.SqsEventSource(this.framesQueue, { batchSize: 10, maxBatchingWindow: Duration.seconds(1), reportBatchItemFailures: true }),
    );

    // request-frame-url: the presigned PUT carries this role's rights, so it may only write frames.
    this.uploadUrls = new ProvinceFunction(this, 'RequestFrameUrl', {
      name: 'request-frame-url',
      config,
      key,
      description: "a camera's presigned PUT URL for one new frame under its own prefix",
    })
      .bindTable(store.registry, ENV.registryTable, 'read')
      .setEnv(ENV.framesBucket, this.bucket.bucketName);
    iam.Grant.addToPrincipal({ grantee: this.uploadUrls.role, actions: ['s3:PutObject'], resourceArns: [this.bucket.arnForObjects('frames/*')] });
    this.grantList(this.uploadUrls, 'frames/');
    key.grant(this.uploadUrls.role, 'kms:GenerateDataKey');
    this.acknowledgePrefix(this.uploadUrls, 'frames/*');

    // Stored clips: StartLabelDetection publishes completion to an encrypted topic through a role Rekognition assumes.
    this.clipTopic = new sns.Topic(this, 'ClipTopic', { displayName: `${config.code} clip analysis`, masterKey: key, enforceSSL: true });
    this.clipRole = new iam.Role(this, 'ClipRole', {
      assumedBy: new iam.ServicePrincipal('rekognition.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: `${config.code}: lets Rekognition Video publish clip completion to the clip topic`,
    });
    iam.Grant.addToPrincipal({ grantee: this.clipRole, actions: ['sns:Publish'], resourceArns: [this.clipTopic.topicArn] });
    key.grant(this.clipRole, 'kms:GenerateDataKey', 'kms:Decrypt');

    this.startClip = new ProvinceFunction(this, 'StartClip', {
      name: 'start-clip',
      config,
      key,
      description: 'POST /clips: reserve the budget and start Rekognition Video person detection on a stored clip',
    })
      .bindTable(store.registry, ENV.registryTable, 'readWrite')
      .setEnv(ENV.framesBucket, this.bucket.bucketName)
      .setEnv(ENV.rekognitionDailyCap, String(this.dailyCap))
      .setEnv(ENV.clipTopicArn, this.clipTopic.topicArn)
      .setEnv(ENV.clipRoleArn, this.clipRole.roleArn);
    this.grantRead(this.startClip, 'clips/*');
    this.allowRekognition(this.startClip, ['rekognition:StartLabelDetection']);
    // The caller must be allowed to pass exactly the clip role, to Rekognition only.
    iam.Grant.addToPrincipal({
      grantee: this.startClip.role,
      actions: ['iam:PassRole'],
      resourceArns: [this.clipRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'rekognition.amazonaws.com' } },
    });

    this.finishClip = new ProvinceFunction(this, 'FinishClip', {
      name: 'finish-clip',
      config,
      key,
      description: 'clip analysis finished: page through GetLabelDetection, per-second counts onto the stream',
      timeout: Duration.minutes(5),
    })
      .bindTable(store.registry, ENV.registryTable, 'readWrite')
      .bindStream(stream, ENV.streamName, 'write');
    this.allowRekognition(this.finishClip, ['rekognition:GetLabelDetection']);
    this.clipTopic.addSubscription(new subscriptions.LambdaSubscription(this.finishClip.fn));

    this.alarm('FramesDlqDepth', this.framesDlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }), 0, 'frames failed analysis 5 times and wait in the frames DLQ');
    const metric = (name: string, service: string) =>
      new cloudwatch.Metric({ namespace: 'SmartCityPilot', metricName: name, dimensionsMap: { service, province: config.code }, statistic: 'Sum', period: Duration.minutes(15) });
    this.alarm(
      'FailedAnalysisShare',
      new cloudwatch.MathExpression({
        expression: 'IF(received > 0, 100 * failed / received, 0)',
        usingMetrics: { failed: metric('FramesFailed', 'analyze-frame'), received: metric('FramesReceived', 'analyze-frame') },
        period: Duration.minutes(15),
        label: 'failed analyses, % of frames received',
      }),
      10,
      'more than 10% of frames failed analysis in 15 minutes',
    );
    this.alarm(
      'ClipAnalysesFailed',
      new cloudwatch.MathExpression({
        expression: 'started + finished',
        usingMetrics: { started: metric('ClipAnalysesFailed', 'start-clip'), finished: metric('ClipAnalysesFailed', 'finish-clip') },
        period: Duration.minutes(15),
        label: 'clip analyses refused at start or failed',
      }),
      0,
      'a stored clip analysis failed (refused at start or failed in Rekognition)',
    );
  }

  /** The functions of the module (for error and throttle alarms). */
  public get functions(): ProvinceFunction[] {
    return [this.analyzer, this.uploadUrls, this.startClip, this.finishClip];
  }

  /** Lets operators get a 60-second link to the latest analysed frame (GET /cameras/{id}). */
  public bindOperatorApi(fn: ProvinceFunction): void {
    fn.setEnv(ENV.framesBucket, this.bucket.bucketName).setEnv(ENV.rekognitionDailyCap, String(this.dailyCap));
    this.grantRead(fn, 'frames/*');
  }

  private grantRead(fn: ProvinceFunction, prefix: string): void {
    // GetObject only: Rekognition reads the object with the caller's rights, HEAD and ranged reads are GetObject too.
    iam.Grant.addToPrincipal({ grantee: fn.role, actions: ['s3:GetObject'], resourceArns: [this.bucket.arnForObjects(prefix)] });
    this.keyRef.grant(fn.role, 'kms:Decrypt');
    this.acknowledgePrefix(fn, prefix);
    this.grantList(fn, prefix.replace(/\*$/, ''));
  }

  /** Without ListBucket, S3 answers a missing key with 403 instead of 404; the listing is limited to the prefix. */
  private grantList(fn: ProvinceFunction, prefix: string): void {
    iam.Grant.addToPrincipal({
      grantee: fn.role,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
    });
  }

  private acknowledgePrefix(fn: ProvinceFunction, prefix: string): void {
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/${prefix}]`,
      reason: `Every frame or clip is a new object key, so access is scoped to the ${prefix} prefix of the frames bucket (one action, this bucket only).`,
    });
  }

  private allowRekognition(fn: ProvinceFunction, actions: string[]): void {
    iam.Grant.addToPrincipal({ grantee: fn.role, actions, resourceArns: ['*'] });
    Validations.of(fn.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        `${actions.join(', ')} and the X-Ray tracing actions have no resource-level permissions in IAM, so their ` +
        'resource is "*"; no face API (DetectFaces, IndexFaces, SearchFaces…) is granted anywhere.',
    });
  }

  private alarm(id: string, metric: cloudwatch.IMetric, threshold: number, description: string): void {
    this.alarms.push(
      new cloudwatch.Alarm(this, id, {
        metric,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${this.code}: ${description}`,
      }),
    );
  }
}
