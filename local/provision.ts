// Creates a synthesized province's stateful resources in moto with the properties the template gives them (keys,
// indexes, TTL, shard counts, redrive policies, notifications), and the values Ref / Fn::GetAtt take locally.
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { EMULATED_TYPES, planTemplate, resolve, type CfnResource, type CfnTemplate, type ResolveContext } from './template.ts';

/** moto's default account. */
export const LOCAL_ACCOUNT = '123456789012';

/** Where the local province lives. */
export interface ProvisionOptions {
  readonly template: CfnTemplate;
  readonly stackName: string;
  readonly region: string;
  readonly motoEndpoint: string;
  /** Base URL of the local HTTP API (Api.ApiEndpoint, and links). */
  readonly apiUrl: string;
  /** Issuer of the local operator tokens (UserPool.ProviderURL). */
  readonly issuer: string;
  /** Client id of the local tokens (UserPoolClient Ref). */
  readonly clientId: string;
  readonly log?: (line: string) => void;
}

/** An email or SMS subscription: shown in the terminal outbox instead of being delivered. */
export interface OutboxSubscription {
  readonly topicArn: string;
  readonly protocol: string;
  readonly endpoint: string;
  /** The moto queue subscribed in its place, which the runner drains. */
  readonly queueUrl: string;
}

/** The provisioned province. */
export interface Provisioned {
  readonly ctx: ResolveContext;
  readonly byType: Map<string, Array<[string, CfnResource]>>;
  /** Properties of every resource with intrinsics resolved. */
  readonly props: Map<string, Record<string, unknown>>;
  readonly outbox: OutboxSubscription[];
  /** Lambda subscriptions: topic ARN → function logical id, delivered through a moto queue the runner polls. */
  readonly lambdaSubscriptions: Array<{ topicArn: string; functionId: string; queueUrl: string }>;
  /** Stack outputs, resolved. */
  readonly outputs: Record<string, string>;
}

const clientOptions = (endpoint: string, region: string) => ({
  endpoint,
  region,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  requestHandler: new NodeHttpHandler(),
});

/** Physical names: deterministic per stack and logical id, valid for every service (lower-case for S3). */
export function physicalName(stackName: string, logicalId: string, type: string): string {
  const base = `${stackName}-${logicalId}`;
  if (type === 'AWS::S3::Bucket') return base.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63).replace(/-+$/, '');
  return base.slice(0, 80);
}

/** The Ref and GetAtt values of every resource, decided before anything is created (names are deterministic). */
export function localValues(o: Omit<ProvisionOptions, 'template' | 'log'>, t: CfnTemplate): ResolveContext {
  const { region, stackName, motoEndpoint } = o;
  const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${LOCAL_ACCOUNT}:${resource}`;
  const refs: Record<string, string> = {};
  const attrs: Record<string, Record<string, string>> = {};
  for (const [id, r] of Object.entries(t.Resources)) {
    const name = physicalName(stackName, id, r.Type);
    switch (r.Type) {
      case 'AWS::DynamoDB::Table':
        refs[id] = name;
        attrs[id] = { Arn: arn('dynamodb', `table/${name}`), StreamArn: arn('dynamodb', `table/${name}/stream/local`) };
        break;
      case 'AWS::Kinesis::Stream':
        refs[id] = name;
        attrs[id] = { Arn: arn('kinesis', `stream/${name}`) };
        break;
      case 'AWS::SQS::Queue': {
        const url = `${motoEndpoint}/${LOCAL_ACCOUNT}/${name}`;
        refs[id] = url;
        attrs[id] = { Arn: arn('sqs', name), QueueName: name, QueueUrl: url };
        break;
      }
      case 'AWS::SNS::Topic':
        refs[id] = arn('sns', name);
        attrs[id] = { TopicArn: refs[id]!, TopicName: name };
        break;
      case 'AWS::S3::Bucket':
        refs[id] = name;
        attrs[id] = {
          Arn: `arn:aws:s3:::${name}`,
          DomainName: `${name}.s3.amazonaws.com`,
          RegionalDomainName: `${name}.s3.${region}.amazonaws.com`,
          WebsiteURL: `${motoEndpoint}/${name}`,
        };
        break;
      case 'AWS::Lambda::Function':
        refs[id] = name;
        attrs[id] = { Arn: arn('lambda', `function:${name}`) };
        break;
      case 'AWS::KMS::Key':
        refs[id] = `local-key-${id}`;
        attrs[id] = { Arn: arn('kms', `key/local-key-${id}`), KeyId: `local-key-${id}` };
        break;
      case 'AWS::IAM::Role':
        refs[id] = name;
        attrs[id] = { Arn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}`, RoleId: `LOCAL${id.toUpperCase()}`.slice(0, 32) };
        break;
      case 'AWS::Cognito::UserPool':
        refs[id] = `${region}_local`;
        attrs[id] = { Arn: arn('cognito-idp', `userpool/${region}_local`), ProviderName: o.issuer.replace(/^https?:\/\//, ''), ProviderURL: o.issuer };
        break;
      case 'AWS::Cognito::UserPoolClient':
        refs[id] = o.clientId;
        attrs[id] = { ClientId: o.clientId };
        break;
      case 'AWS::CloudFront::Distribution':
        refs[id] = `LOCAL${id.slice(0, 8).toUpperCase()}`;
        attrs[id] = { DomainName: o.apiUrl.replace(/^https?:\/\//, ''), Id: refs[id]! };
        break;
      case 'AWS::Cognito::UserPoolDomain':
        refs[id] = 'local-login';
        attrs[id] = { CloudFrontDistribution: 'localhost' };
        break;
      case 'AWS::ApiGatewayV2::Api':
        refs[id] = 'localapi';
        attrs[id] = { ApiEndpoint: o.apiUrl.replace(/\/$/, ''), ApiId: 'localapi' };
        break;
      default:
        refs[id] = name;
        // Any other attribute of a resource with no local effect reads as a placeholder naming it.
        attrs[id] = new Proxy({ Arn: arn('local', name) } as Record<string, string>, {
          get: (target, attr: string) => target[attr] ?? `local-${id}-${attr}`,
        });
    }
  }
  return {
    refs,
    attrs,
    pseudo: {
      AccountId: LOCAL_ACCOUNT,
      Region: region,
      Partition: 'aws',
      // A stage URL is `https://<api id>.execute-api.<region>.<suffix>/`: the runner maps that host to its own server.
      URLSuffix: 'amazonaws.com',
      StackName: stackName,
      StackId: `arn:aws:cloudformation:${region}:${LOCAL_ACCOUNT}:stack/${stackName}/local`,
    },
    conditions: t.Conditions,
  };
}

/** Creates the province's resources in moto. */
export async function provision(o: ProvisionOptions): Promise<Provisioned> {
  const log = o.log ?? (() => undefined);
  const byType = planTemplate(o.template);
  const ctx = localValues(o, o.template);
  const props = new Map<string, Record<string, unknown>>();
  // Only what runs locally is resolved: a resource accepted without local effect (CloudFront, alarms, policies) may
  // reference attributes that have no local meaning.
  for (const [id, r] of Object.entries(o.template.Resources)) {
    if (!(r.Type in EMULATED_TYPES)) continue;
    props.set(id, (resolve(r.Properties ?? {}, ctx, `Resources.${id}.Properties`) ?? {}) as Record<string, unknown>);
  }
  const c = clientOptions(o.motoEndpoint, o.region);
  const ddb = new DynamoDBClient(c);
  const kinesis = new KinesisClient(c);
  const sqs = new SQSClient(c);
  const sns = new SNSClient(c);
  const s3 = new S3Client({ ...c, forcePathStyle: true });
  const of = (type: string) => byType.get(type) ?? [];
  const existed = (e: unknown) => /AlreadyExists|ResourceInUse|BucketAlreadyOwnedByYou|QueueAlreadyExists/.test(`${(e as Error).name} ${(e as Error).message}`);

  for (const [id] of of('AWS::DynamoDB::Table')) {
    const p = props.get(id)!;
    const TableName = ctx.refs[id]!;
    try {
      await ddb.send(
        new CreateTableCommand({
          TableName,
          KeySchema: p.KeySchema as never,
          AttributeDefinitions: p.AttributeDefinitions as never,
          BillingMode: (p.BillingMode as never) ?? 'PAY_PER_REQUEST',
          ProvisionedThroughput: p.ProvisionedThroughput as never,
          GlobalSecondaryIndexes: (p.GlobalSecondaryIndexes as Array<Record<string, unknown>> | undefined)?.map((g) => ({
            IndexName: g.IndexName,
            KeySchema: g.KeySchema,
            Projection: g.Projection ?? { ProjectionType: 'ALL' },
          })) as never,
        }),
      );
      const ttl = p.TimeToLiveSpecification as { AttributeName: string; Enabled: boolean } | undefined;
      if (ttl?.Enabled) await ddb.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: ttl }));
      log(`table   ${TableName}${ttl?.Enabled ? ` (TTL ${ttl.AttributeName})` : ''}`);
    } catch (e) {
      if (!existed(e)) throw e;
    }
  }

  for (const [id] of of('AWS::Kinesis::Stream')) {
    const p = props.get(id)!;
    const StreamName = ctx.refs[id]!;
    const onDemand = (p.StreamModeDetails as { StreamMode?: string } | undefined)?.StreamMode === 'ON_DEMAND';
    const ShardCount = onDemand ? 1 : Number(p.ShardCount ?? 1);
    try {
      await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount }));
    } catch (e) {
      if (!existed(e)) throw e;
    }
    for (let i = 0; i < 100; i++) {
      const d = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName }));
      if (d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    log(`stream  ${StreamName} (${ShardCount} shard${ShardCount > 1 ? 's' : ''}${onDemand ? ', on-demand in the cloud' : ''})`);
  }

  // Queues first without redrive (a dead-letter queue must exist before the queue naming it), then the policies.
  for (const [id] of of('AWS::SQS::Queue')) {
    const p = props.get(id)!;
    const attributes: Record<string, string> = {};
    for (const k of ['VisibilityTimeout', 'MessageRetentionPeriod', 'DelaySeconds', 'ReceiveMessageWaitTimeSeconds', 'MaximumMessageSize']) {
      if (p[k] !== undefined) attributes[k] = String(p[k]);
    }
    const res = await sqs.send(new CreateQueueCommand({ QueueName: ctx.attrs[id]!.QueueName!, Attributes: attributes }));
    if (res.QueueUrl !== ctx.refs[id]) throw new Error(`moto gave queue ${id} the URL ${res.QueueUrl}, expected ${ctx.refs[id]}`);
  }
  for (const [id] of of('AWS::SQS::Queue')) {
    const redrive = props.get(id)!.RedrivePolicy;
    if (redrive) {
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl: ctx.refs[id]!, Attributes: { RedrivePolicy: JSON.stringify(redrive) } }));
    }
    log(`queue   ${ctx.attrs[id]!.QueueName}${redrive ? ` (dead letters after ${(redrive as { maxReceiveCount: number }).maxReceiveCount} receives)` : ''}`);
  }

  for (const [id] of of('AWS::SNS::Topic')) {
    await sns.send(new CreateTopicCommand({ Name: ctx.attrs[id]!.TopicName! }));
    log(`topic   ${ctx.attrs[id]!.TopicName}`);
  }

  const queueArn = async (url: string) =>
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const outbox: OutboxSubscription[] = [];
  const lambdaSubscriptions: Provisioned['lambdaSubscriptions'] = [];
  const functionIdByArn = new Map(of('AWS::Lambda::Function').map(([id]) => [ctx.attrs[id]!.Arn!, id]));
  for (const [id] of of('AWS::SNS::Subscription')) {
    const p = props.get(id)! as { TopicArn: string; Protocol: string; Endpoint: string; RawMessageDelivery?: boolean };
    if (p.Protocol === 'sqs') {
      await sns.send(new SubscribeCommand({ TopicArn: p.TopicArn, Protocol: 'sqs', Endpoint: p.Endpoint, Attributes: p.RawMessageDelivery ? { RawMessageDelivery: 'true' } : undefined }));
      continue;
    }
    // Email, SMS and Lambda subscriptions: a moto queue takes the messages; the runner shows or invokes them.
    const name = physicalName(o.stackName, `${id}Inbox`, 'AWS::SQS::Queue');
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
    await sns.send(new SubscribeCommand({ TopicArn: p.TopicArn, Protocol: 'sqs', Endpoint: await queueArn(url) }));
    if (p.Protocol === 'lambda') {
      const fn = functionIdByArn.get(p.Endpoint);
      if (!fn) throw new Error(`subscription ${id}: no local function for ${p.Endpoint}`);
      lambdaSubscriptions.push({ topicArn: p.TopicArn, functionId: fn, queueUrl: url });
    } else {
      outbox.push({ topicArn: p.TopicArn, protocol: p.Protocol, endpoint: p.Endpoint, queueUrl: url });
    }
  }

  for (const [id] of of('AWS::S3::Bucket')) {
    const Bucket = ctx.refs[id]!;
    try {
      await s3.send(new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: o.region as never } }));
    } catch (e) {
      if (!existed(e)) throw e;
    }
    const n = props.get(id)!.NotificationConfiguration as { QueueConfigurations?: Array<Record<string, unknown>> } | undefined;
    if (n?.QueueConfigurations?.length) {
      await s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket,
          NotificationConfiguration: {
            QueueConfigurations: n.QueueConfigurations.map((q) => ({
              QueueArn: q.Queue as string,
              Events: [q.Event as never],
              // CloudFormation says Filter.S3Key.Rules where the S3 API says Filter.Key.FilterRules.
              Filter: (q.Filter as { S3Key?: { Rules?: unknown[] } } | undefined)?.S3Key
                ? { Key: { FilterRules: (q.Filter as { S3Key: { Rules: never[] } }).S3Key.Rules } }
                : undefined,
            })),
          },
        }),
      );
    }
    log(`bucket  ${Bucket}${n?.QueueConfigurations?.length ? ' (notifications to SQS)' : ''}`);
  }

  const outputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.template.Outputs ?? {})) outputs[k] = String(resolve(v.Value, ctx, `Outputs.${k}`));
  return { ctx, byType, props, outbox, lambdaSubscriptions, outputs };
}
