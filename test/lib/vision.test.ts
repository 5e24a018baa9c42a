// The crowd module: frames bucket, S3 → SQS → analyze-frame, upload URLs, clips with Rekognition Video, alarms, and no face API.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CfnResource, TagManager } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { ANALYZER_METRICS } from '../../lambdas/analyze-frame/analyze-frame.ts';
import { CLIP_METRICS } from '../../lambdas/start-clip/start-clip.ts';
import { METRICS_NAMESPACE, PROJECT_ROOT, type ProvinceFunction } from '../../lib/constructs/province-function.ts';
import type { ProvinceConfig } from '../../lib/config/schema.ts';
import type { ProvinceStack } from '../../lib/province-stack.ts';
import { logicalIdOf, provinceFunctions, synthProvince } from '../helpers/synth.ts';

type Statement = { Effect: string; Action?: string | string[]; NotAction?: unknown; Resource?: unknown; Condition?: unknown };
type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[]; DeletionPolicy?: string };
const list = (a: string | string[] | undefined) => (a === undefined ? [] : Array.isArray(a) ? a : [a]);

/** Every sample province (provinces/*.json). */
const SAMPLE_PROVINCES = readdirSync(join(PROJECT_ROOT, 'provinces'))
  .filter((f) => f.endsWith('.json') && f !== 'province.schema.json')
  .map((f) => f.replace(/\.json$/, ''));

/** The daily DetectLabels cap a config should give: its own, or 80% of the monthly budget over 30 days at $0.001. */
const expectedDailyCap = (config: ProvinceConfig) =>
  config.budget.rekognitionDailyCap ?? Math.floor((0.8 * config.budget.monthlyUsd) / 30 / 0.001);

/** Rekognition actions that detect, index, search or compare faces (or recognise people by their face). */
const FACE_ACTIONS = [
  'DetectFaces',
  'IndexFaces',
  'SearchFaces',
  'SearchFacesByImage',
  'CompareFaces',
  'StartFaceDetection',
  'GetFaceDetection',
  'StartFaceSearch',
  'GetFaceSearch',
  'CreateCollection',
  'ListFaces',
  'AssociateFaces',
  'SearchUsers',
  'SearchUsersByImage',
  'RecognizeCelebrities',
  'StartCelebrityRecognition',
  'GetCelebrityRecognition',
].map((a) => `rekognition:${a}`);

/** The face actions an Allow statement's action patterns (IAM wildcards `*` and `?`, any case) grant. */
function faceActionsGranted(s: Statement): string[] {
  if (s.Effect !== 'Allow') return [];
  if (s.NotAction !== undefined) return FACE_ACTIONS; // "everything but…" grants the face APIs unless proven otherwise
  const patterns = list(s.Action).map(
    (p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i'),
  );
  return FACE_ACTIONS.filter((a) => patterns.some((p) => p.test(a)));
}

/** Every policy statement anywhere in a template: identity, inline, trust, key, bucket, queue and topic policies. */
function allStatements(template: Template): Statement[] {
  const out: Statement[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    if (typeof o.Effect === 'string' && ('Action' in o || 'NotAction' in o)) out.push(o as Statement);
    Object.values(o).forEach(walk);
  };
  walk(template.toJSON().Resources);
  return out;
}

/** Accessors over one synthesized province. */
function inspect({ template, stack }: { template: Template; stack: ProvinceStack }) {
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const id = (c: IConstruct) => logicalIdOf(stack, c);
  const resourceOf = (c: IConstruct) => resources[id(c)]!;
  const policies = Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy');
  /** The identity statements of a role (all its attached policies). */
  const statementsOf = (role: IConstruct): Statement[] =>
    policies
      .filter((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === id(role)))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  const envOf = (f: ProvinceFunction) =>
    (resourceOf(f.fn).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
  return { resources, id, resourceOf, policies, statementsOf, envOf, resolve: (x: unknown) => stack.resolve(x) };
}

describe('Vision (crowd module) on da-nang', () => {
  const daNang = synthProvince('da-nang');
  const hue = synthProvince('hue');
  const { template, stack, config } = daNang;
  const vision = stack.vision!;
  const { resources, id, resourceOf, statementsOf, envOf, resolve } = inspect(daNang);
  const keyArn = resolve(stack.key.key.keyArn);
  const bucketArn = resolve(vision.bucket.bucketArn);
  const objects = (prefix: string) => ({ 'Fn::Join': ['', [bucketArn, `/${prefix}`]] });
  const opsTopic = resolve(stack.alarms.topic.topicArn);
  /** The logical id of the queue policy of `queue` (QueueBase keeps its policy construct private). */
  const queuePolicyId = (queue: IConstruct) => {
    const ids = Object.keys(template.findResources('AWS::SQS::QueuePolicy', { Properties: { Queues: [{ Ref: id(queue) }] } }));
    expect(ids, queue.node.path).toHaveLength(1);
    return ids[0]!;
  };
  const s3Grants = (f: { role: IConstruct }) =>
    statementsOf(f.role)
      .filter((s) => list(s.Action).some((a) => a.startsWith('s3:')))
      .map((s) => ({ actions: list(s.Action), resource: s.Resource, ...(s.Condition ? { condition: s.Condition } : {}) }));
  /** ListBucket on the bucket, limited to one prefix (so a missing key is a 404, not a 403). */
  const listing = (prefix: string) => ({ actions: ['s3:ListBucket'], resource: bucketArn, condition: { StringLike: { 's3:prefix': [`${prefix}*`] } } });

  it("is there on da-nang and hue (crowd in modules), with four functions and two buckets (beside the console's two)", () => {
    expect(config.modules).toContain('crowd');
    expect(vision.functions.map((f) => f.name)).toEqual(['analyze-frame', 'request-frame-url', 'start-clip', 'finish-clip']);
    // Every province has the console's site and log buckets; the frames and access-log buckets are the module's.
    const consoleBuckets = [id(stack.console.bucket), id(stack.console.logs)];
    const visionBuckets = Object.keys(template.findResources('AWS::S3::Bucket')).filter((b) => !consoleBuckets.includes(b));
    expect(visionBuckets.sort()).toEqual([id(vision.bucket), id(vision.accessLogs)].sort());
    expect(Object.keys(template.findResources('AWS::S3::Bucket'))).toEqual(expect.arrayContaining(consoleBuckets));
    expect(hue.stack.vision).toBeDefined();
  });

  it('keeps frames in a private bucket encrypted with the province key (bucket key on), retained', () => {
    expect(resourceOf(vision.bucket)).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn } },
          ],
        },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      },
    });
    expect(resourceOf(vision.bucket).Properties.BucketName).toBeUndefined();
  });

  it('refuses every request to either bucket without TLS', () => {
    for (const bucket of [vision.bucket, vision.accessLogs]) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id(bucket) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              Resource: [resolve(bucket.bucketArn), { 'Fn::Join': ['', [resolve(bucket.bucketArn), '/*']] }],
            },
          ]),
        },
      });
    }
  });

  it('writes server access logs of the frames bucket to the access-log bucket (SSE-S3, private, delivery from the frames bucket only)', () => {
    expect(resourceOf(vision.bucket).Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: id(vision.accessLogs) },
      LogFilePrefix: 'frames-bucket/',
    });
    expect(resourceOf(vision.accessLogs).Properties).toMatchObject({
      // S3 log delivery cannot write with a customer-managed key.
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id(vision.accessLogs) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [resolve(vision.accessLogs.bucketArn), '/frames-bucket/*']] },
            Condition: {
              ArnLike: { 'aws:SourceArn': bucketArn },
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            },
          },
        ]),
      },
    });
  });

  it('expires frames/ and clips/ after the configured frameDays (hue 3, da-nang 7)', () => {
    expect([config.retention.frameDays, hue.config.retention.frameDays]).toEqual([7, 3]);
    for (const province of [daNang, hue]) {
      const c = province.config;
      const rules = inspect(province).resourceOf(province.stack.vision!.bucket).Properties.LifecycleConfiguration as {
        Rules: Array<Record<string, unknown>>;
      };
      expect(rules.Rules, c.code).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Prefix: 'frames/', ExpirationInDays: c.retention.frameDays, Status: 'Enabled' }),
          expect.objectContaining({ Prefix: 'clips/', ExpirationInDays: c.retention.frameDays, Status: 'Enabled' }),
        ]),
      );
    }
  });

  it('notifies the frames queue of every object created under frames/, and of nothing else', () => {
    expect(resourceOf(vision.bucket).Properties.NotificationConfiguration).toEqual({
      QueueConfigurations: [
        {
          Event: 's3:ObjectCreated:*',
          Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'frames/' }] } },
          Queue: resolve(vision.framesQueue.queueArn),
        },
      ],
    });
    // S3 checks it may send when the configuration is created: the queue policy must exist first.
    expect(resourceOf(vision.bucket).DependsOn).toContain(queuePolicyId(vision.framesQueue));
  });

  it('encrypts the frames queue with the province key; 5 receives then the DLQ; visibility 6× the analyzer timeout', () => {
    const timeout = resourceOf(vision.analyzer.fn).Properties.Timeout as number;
    expect(timeout).toBeGreaterThan(0);
    expect(resourceOf(vision.framesQueue).Properties).toMatchObject({
      KmsMasterKeyId: keyArn,
      VisibilityTimeout: 6 * timeout,
      RedrivePolicy: { deadLetterTargetArn: resolve(vision.framesDlq.queueArn), maxReceiveCount: 5 },
    });
    expect(resourceOf(vision.framesDlq).Properties).toMatchObject({ KmsMasterKeyId: keyArn, MessageRetentionPeriod: 14 * 24 * 3600 });
    for (const queue of [vision.framesQueue, vision.framesDlq]) {
      expect(resourceOf(queue).DeletionPolicy).toBe('Retain');
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id(queue) }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    }
  });

  it('lets only S3, on behalf of this account, send to the frames queue and use the key for it', () => {
    const policy = resources[queuePolicyId(vision.framesQueue)]!.Properties.PolicyDocument as { Statement: Statement[] };
    const allows = policy.Statement.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: resolve(vision.framesQueue.queueArn),
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 's3.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  it('feeds analyze-frame from the frames queue in batches of 10, reporting failed items', () => {
    const mappings = Object.values(resources).filter(
      (r) => r.Type === 'AWS::Lambda::EventSourceMapping' && JSON.stringify(r.Properties.EventSourceArn) === JSON.stringify(resolve(vision.framesQueue.queueArn)),
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0]!.Properties).toMatchObject({
      FunctionName: { Ref: id(vision.analyzer.fn) },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('gives each function the variables it reads: bucket, daily cap, clip topic and role, ops topic', () => {
    const cap = String(expectedDailyCap(config));
    expect(config.budget.rekognitionDailyCap).toBeUndefined();
    expect(cap).toBe('8000'); // 0.8 × 300 USD / 30 days / 0.001 USD
    const bucket = resolve(vision.bucket.bucketName);
    expect(envOf(vision.analyzer)).toMatchObject({
      FRAMES_BUCKET: bucket,
      REKOGNITION_DAILY_CAP: cap,
      OPS_TOPIC_ARN: opsTopic,
      STREAM_NAME: resolve(stack.ingest.stream.streamName),
      REGISTRY_TABLE: resolve(stack.store.registry.tableName),
    });
    expect(envOf(vision.uploadUrls)).toMatchObject({ FRAMES_BUCKET: bucket, REGISTRY_TABLE: resolve(stack.store.registry.tableName) });
    expect(envOf(vision.startClip)).toMatchObject({
      FRAMES_BUCKET: bucket,
      REKOGNITION_DAILY_CAP: cap,
      CLIP_TOPIC_ARN: resolve(vision.clipTopic.topicArn),
      CLIP_ROLE_ARN: resolve(vision.clipRole.roleArn),
    });
    expect(envOf(vision.finishClip)).toMatchObject({ STREAM_NAME: resolve(stack.ingest.stream.streamName) });
    expect(envOf(stack.api.operatorFunction)).toMatchObject({ FRAMES_BUCKET: bucket, REKOGNITION_DAILY_CAP: cap });
    expect(inspect(hue).envOf(hue.stack.vision!.analyzer).REKOGNITION_DAILY_CAP).toBe(String(expectedDailyCap(hue.config)));
  });

  it('takes the daily cap from the config when it sets one', () => {
    const capped = synthProvince({ budget: { monthlyUsd: 300, rekognitionDailyCap: 1234 } });
    const { envOf: env } = inspect(capped);
    expect(env(capped.stack.vision!.analyzer).REKOGNITION_DAILY_CAP).toBe('1234');
    expect(env(capped.stack.vision!.startClip).REKOGNITION_DAILY_CAP).toBe('1234');
    expect(env(capped.stack.api.operatorFunction).REKOGNITION_DAILY_CAP).toBe('1234');
  });

  it('scopes S3 access to one action on one prefix per function', () => {
    expect(s3Grants(vision.analyzer)).toEqual([{ actions: ['s3:GetObject'], resource: objects('frames/*') }, listing('frames/')]);
    // The presigned PUT carries this role's rights: it may write frames and read none of them.
    expect(s3Grants(vision.uploadUrls)).toEqual([{ actions: ['s3:PutObject'], resource: objects('frames/*') }, listing('frames/')]);
    expect(s3Grants(vision.startClip)).toEqual([{ actions: ['s3:GetObject'], resource: objects('clips/*') }, listing('clips/')]);
    expect(s3Grants(stack.api.operatorFunction)).toEqual([{ actions: ['s3:GetObject'], resource: objects('frames/*') }, listing('frames/')]);
    expect(s3Grants(vision.finishClip)).toEqual([]);
    // No other role of the stack touches S3.
    const withS3 = [vision.analyzer, vision.uploadUrls, vision.startClip, stack.api.operatorFunction].map((f) => id(f.role));
    for (const policy of Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy')) {
      const roles = (policy.Properties.Roles as Array<{ Ref: string }>).map((r) => r.Ref);
      if (roles.some((r) => withS3.includes(r))) continue;
      expect(JSON.stringify(policy.Properties.PolicyDocument), roles.join()).not.toContain('"s3:');
    }
  });

  it('grants each Rekognition action to the one function that calls it', () => {
    const rekognition = (f: { role: IConstruct }) =>
      statementsOf(f.role).flatMap((s) => list(s.Action).filter((a) => a.startsWith('rekognition:')));
    const byFunction = Object.fromEntries(provinceFunctions(stack).map((f) => [f.name, rekognition(f)]));
    expect(byFunction).toEqual({
      'authorize-device': [],
      'ingest-events': [],
      'process-stream': [],
      'operator-api': [],
      sweep: [],
      'analyze-frame': ['rekognition:DetectLabels'],
      'request-frame-url': [],
      'start-clip': ['rekognition:StartLabelDetection'],
      'finish-clip': ['rekognition:GetLabelDetection'],
    });
    expect(rekognition({ role: vision.clipRole })).toEqual([]);
  });

  it('lets start-clip pass only the clip role, and only to Rekognition', () => {
    const passRole = allStatements(template).filter((s) => list(s.Action).some((a) => /^iam:PassRole$/i.test(a) || a === 'iam:*'));
    expect(passRole).toEqual([
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: resolve(vision.clipRole.roleArn),
        Condition: { StringEquals: { 'iam:PassedToService': 'rekognition.amazonaws.com' } },
      },
    ]);
    expect(statementsOf(vision.startClip.role)).toContainEqual(passRole[0]);
  });

  it('trusts the clip role to Rekognition of this account only, to publish to the clip topic', () => {
    expect(resourceOf(vision.clipRole).Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'rekognition.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
    expect(resourceOf(vision.clipRole).Properties.ManagedPolicyArns).toBeUndefined();
    expect(statementsOf(vision.clipRole)).toEqual([
      { Effect: 'Allow', Action: 'sns:Publish', Resource: resolve(vision.clipTopic.topicArn) },
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: keyArn },
    ]);
  });

  it('encrypts the clip topic, refuses publishing without TLS, and subscribes finish-clip to it', () => {
    expect(resourceOf(vision.clipTopic).Properties.KmsMasterKeyId).toEqual(keyArn);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: id(vision.clipTopic) }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription', { Properties: { TopicArn: { Ref: id(vision.clipTopic) } } }));
    expect(subscriptions.map((s) => s.Properties)).toEqual([
      { Protocol: 'lambda', TopicArn: { Ref: id(vision.clipTopic) }, Endpoint: resolve(vision.finishClip.fn.functionArn) },
    ]);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: resolve(vision.finishClip.fn.functionArn),
      Principal: 'sns.amazonaws.com',
      SourceArn: { Ref: id(vision.clipTopic) },
    });
  });

  it('alarms on the frames DLQ, the share of failed analyses and failed clips, notifying the ops topic', () => {
    const alarm = (name: string) => resourceOf(vision.alarms.find((a) => a.node.id === name)!).Properties;
    const metric = (name: string, service: string) => ({
      Namespace: METRICS_NAMESPACE,
      MetricName: name,
      Dimensions: [
        { Name: 'province', Value: config.code },
        { Name: 'service', Value: service },
      ],
    });
    expect(vision.alarms.map((a) => a.node.id)).toEqual(['FramesDlqDepth', 'FailedAnalysisShare', 'ClipAnalysesFailed']);
    expect(alarm('FramesDlqDepth')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: resolve(vision.framesDlq.queueName) }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    // The metric names are the ones the handlers publish.
    const share = alarm('FailedAnalysisShare');
    expect(share).toMatchObject({ Threshold: 10, ComparisonOperator: 'GreaterThanThreshold' });
    const metrics = share.Metrics as Array<{ Id: string; Expression?: string; ReturnData: boolean; MetricStat?: { Metric: unknown; Stat: string } }>;
    expect(metrics.find((m) => m.ReturnData)?.Expression).toBe('IF(received > 0, 100 * failed / received, 0)');
    expect(metrics.find((m) => m.Id === 'failed')?.MetricStat).toMatchObject({ Metric: metric(ANALYZER_METRICS.failed, 'analyze-frame'), Stat: 'Sum' });
    expect(metrics.find((m) => m.Id === 'received')?.MetricStat).toMatchObject({ Metric: metric(ANALYZER_METRICS.received, 'analyze-frame'), Stat: 'Sum' });
    const clips = alarm('ClipAnalysesFailed');
    expect(clips).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    const clipMetrics = clips.Metrics as Array<{ Id: string; Expression?: string; ReturnData?: boolean; MetricStat?: unknown }>;
    expect(clipMetrics.find((m) => m.ReturnData)?.Expression).toBe('started + finished');
    expect(clipMetrics.find((m) => m.Id === 'started')?.MetricStat).toMatchObject({ Metric: metric(CLIP_METRICS.failed, 'start-clip'), Stat: 'Sum' });
    expect(clipMetrics.find((m) => m.Id === 'finished')?.MetricStat).toMatchObject({ Metric: metric(CLIP_METRICS.failed, 'finish-clip'), Stat: 'Sum' });
    for (const a of vision.alarms) {
      expect(resourceOf(a).Properties.AlarmActions, a.node.id).toEqual([opsTopic]);
      expect(resourceOf(a).Properties.OKActions, a.node.id).toEqual([opsTopic]);
    }
  });

  it('tags every taggable resource of the module with Module=crowd', () => {
    const taggable = vision.node
      .findAll()
      .filter((c): c is CfnResource => c instanceof CfnResource && (TagManager.isTaggable(c) || TagManager.isTaggableV2(c)));
    expect(taggable.length).toBeGreaterThan(10);
    for (const c of taggable) {
      const tags = resourceOf(c).Properties.Tags as Array<{ Key: string; Value: string }>;
      expect(tags.find((t) => t.Key === 'Module')?.Value, c.node.path).toBe('crowd');
    }
  });
});

describe.each(SAMPLE_PROVINCES)('no face API in %s', (code) => {
  const { template } = synthProvince(code);

  it('grants no Rekognition face action in any policy (identity, trust, key or resource policy)', () => {
    const statements = allStatements(template);
    expect(statements.length).toBeGreaterThan(0);
    const grants = statements.flatMap((s) => faceActionsGranted(s).map((a) => `${a} via ${JSON.stringify(s.Action ?? s.NotAction)}`));
    expect(grants).toEqual([]);
  });
});

describe('face API check', () => {
  it('recognises a face action however it is granted', () => {
    const allow = (Action: string | string[]) => faceActionsGranted({ Effect: 'Allow', Action, Resource: '*' });
    expect(allow('rekognition:DetectFaces')).toEqual(['rekognition:DetectFaces']);
    expect(allow('rekognition:*')).toEqual(FACE_ACTIONS);
    expect(allow('*')).toEqual(FACE_ACTIONS);
    expect(allow(['rekognition:DetectLabels', 'Rekognition:searchfaces*'])).toEqual(['rekognition:SearchFaces', 'rekognition:SearchFacesByImage']);
    expect(allow('rekognition:Start*')).toEqual(expect.arrayContaining(['rekognition:StartFaceDetection', 'rekognition:StartFaceSearch']));
    expect(allow('rekognition:CreateCollection')).toEqual(['rekognition:CreateCollection']);
    expect(faceActionsGranted({ Effect: 'Allow', NotAction: 's3:*' })).toEqual(FACE_ACTIONS);
    expect(allow(['rekognition:DetectLabels', 'rekognition:StartLabelDetection', 'rekognition:GetLabelDetection'])).toEqual([]);
    expect(faceActionsGranted({ Effect: 'Deny', Action: 'rekognition:*' })).toEqual([]);
  });
});

describe('a province without the crowd module (can-tho)', () => {
  const canTho = synthProvince('can-tho');
  const { template, stack, config } = canTho;
  const { id } = inspect(canTho);
  // The console's hosting is in every province: its site and log buckets, with their bucket policies.
  const consoleBuckets = [id(stack.console.bucket), id(stack.console.logs)].sort();
  const bucketPolicies = template.findResources('AWS::S3::BucketPolicy') as Record<string, Resource>;
  const bucketOf = (policy: Resource) => (policy.Properties.Bucket as { Ref: string }).Ref;
  const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey as string);

  it("has no frames bucket (only the console's two), no vision function, no frames queue and no clip topic or role", () => {
    expect(config.modules).not.toContain('crowd');
    expect(stack.vision).toBeUndefined();
    expect(Object.keys(template.findResources('AWS::S3::Bucket')).sort()).toEqual(consoleBuckets);
    expect(Object.values(bucketPolicies).map(bucketOf).sort()).toEqual(consoleBuckets);
    const services = Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME);
    for (const name of ['analyze-frame', 'request-frame-url', 'start-clip', 'finish-clip']) expect(services).not.toContain(name);
    expect(Object.keys(template.findResources('AWS::SQS::Queue'))).toEqual([logicalIdOf(stack, stack.processor.failureQueue)]);
    template.resourceCountIs('AWS::SNS::Topic', 2);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      const vars = Object.keys(fn.Properties.Environment.Variables);
      expect(vars.filter((v) => /^(FRAMES_BUCKET|REKOGNITION_DAILY_CAP|CLIP_TOPIC_ARN|CLIP_ROLE_ARN)$/.test(v))).toEqual([]);
    }
  });

  it("grants no Rekognition, S3 or PassRole action (beside the console's bucket policies), and lets no service but CloudWatch and Budgets use the key", () => {
    // The console's bucket policies are about its own buckets: deny without TLS, CloudFront reads, S3 delivers logs.
    const consolePolicyIds = Object.keys(bucketPolicies);
    const { Resources: others, ...rest } = template.toJSON() as { Resources: Record<string, Resource> };
    const withoutConsolePolicies = Template.fromJSON({
      ...rest,
      Resources: Object.fromEntries(Object.entries(others).filter(([logicalId]) => !consolePolicyIds.includes(logicalId))),
    });
    const actions = allStatements(withoutConsolePolicies).flatMap((s) => list(s.Action));
    expect(actions.filter((a) => /^(rekognition|s3|iam):/i.test(a))).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toContain('rekognition');
    expect(JSON.stringify(withoutConsolePolicies.toJSON())).not.toContain('s3.amazonaws.com');
    const consoleStatements = Object.values(bucketPolicies).flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    expect(consoleStatements.filter((s) => s.Effect === 'Allow').map((s) => [list(s.Action), (s as { Principal?: unknown }).Principal])).toEqual(
      expect.arrayContaining([
        [['s3:GetObject'], { Service: 'cloudfront.amazonaws.com' }],
        [['s3:PutObject'], { Service: 'logging.s3.amazonaws.com' }],
      ]),
    );
    expect(consoleStatements.filter((s) => s.Effect === 'Allow')).toHaveLength(2);
    // The key policy: CloudWatch Logs, alarms (and budget notices) publishing to encrypted topics, nothing for S3.
    const key = template.toJSON().Resources[id(stack.key.key)] as Resource;
    const keyServices = (key.Properties.KeyPolicy as { Statement: Array<{ Principal: { Service?: string } }> }).Statement.flatMap((s) =>
      s.Principal.Service ? [s.Principal.Service] : [],
    );
    expect(keyServices.filter((svc) => !/^(logs\.[a-z0-9-]+|cloudwatch|budgets)\.amazonaws\.com$/.test(svc))).toEqual([]);
  });

  it('serves no camera, clip or vision route', () => {
    expect(routeKeys.length).toBeGreaterThan(0);
    expect(routeKeys.filter((k) => /\/(cameras|clips|vision)(\/|$)/.test(k))).toEqual([]);
  });
});
