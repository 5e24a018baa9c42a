// The stream (encryption, capacity from config, retention), the device authorizer, device ingest and the producer role.
import { Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { synthProvince } from '../helpers/synth.ts';

describe('Ingest', () => {
  const { template, stack } = synthProvince('da-nang');
  const keyArn = stack.resolve(stack.key.key.keyArn);
  const streamArn = stack.resolve(stack.ingest.stream.streamArn);

  it('encrypts the stream with the province key and keeps records 24 h', () => {
    template.resourceCountIs('AWS::Kinesis::Stream', 1);
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamEncryption: { EncryptionType: 'KMS', KeyId: keyArn },
      RetentionPeriodHours: 24,
    });
    expect(Object.values(template.findResources('AWS::Kinesis::Stream'))[0]?.Properties.Name).toBeUndefined();
  });

  it('provisions the configured number of shards', () => {
    const { template } = synthProvince({ stream: { capacityMode: 'provisioned', shards: 3 } });
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: 3,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
    });
  });

  it('uses on-demand capacity, without a shard count, when the config says so', () => {
    const { template } = synthProvince({ stream: { capacityMode: 'on-demand' } });
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: Match.absent(),
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
    });
  });

  it('retains the stream unless the province is a sandbox', () => {
    template.hasResource('AWS::Kinesis::Stream', { DeletionPolicy: 'Retain' });
    synthProvince('can-tho').template.hasResource('AWS::Kinesis::Stream', { DeletionPolicy: 'Delete' });
  });

  it('gives trusted systems of this account a role that can only put records on the stream', () => {
    const roleId = stack.getLogicalId(stack.ingest.producerRole!.node.defaultChild as never);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'sts:AssumeRole',
            Principal: { AWS: stack.resolve(new iam.AccountRootPrincipal().arn) },
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: ['kinesis:ListShards', 'kinesis:PutRecord', 'kinesis:PutRecords'], Resource: streamArn },
          { Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: keyArn },
        ],
      },
    });
    template.hasOutput('ProducerRoleArn', { Value: { 'Fn::GetAtt': [roleId, 'Arn'] } });
  });

  it('points the ingest function at the stream it may write to', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'ingest-events', STREAM_NAME: stack.resolve(stack.ingest.stream.streamName) }),
      },
    });
  });

  it('lets the device authorizer only look credentials up in the registry', () => {
    const fn = stack.ingest.deviceAuthorizer;
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'authorize-device',
          REGISTRY_TABLE: stack.resolve(stack.store.registry.tableName),
        }),
      },
      Timeout: 5,
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(fn.role.node.defaultChild as never) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: stack.resolve(stack.store.registry.tableArn) },
          { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: keyArn },
        ]),
      },
    });
  });
});
