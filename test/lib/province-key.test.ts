// The province key: rotation, retention by sandbox, and the service statements its key policy needs.
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthProvince } from '../helpers/synth.ts';

describe('ProvinceKey', () => {
  const { template, stack } = synthProvince('da-nang');
  const sandbox = synthProvince('can-tho');

  it('is one customer-managed key with yearly rotation', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('is retained with the stack unless the province is a sandbox', () => {
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(Object.values(template.findResources('AWS::KMS::Key'))[0]?.Properties.PendingWindowInDays).toBeUndefined();
    sandbox.template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ PendingWindowInDays: 7 }),
    });
  });

  it('lets CloudWatch Logs use it for this account’s log groups only', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchLogsForThisAccount',
            Principal: { Service: stack.resolve(`logs.${stack.region}.amazonaws.com`) },
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('lets CloudWatch alarms publish to the encrypted ops topic, on behalf of this account only', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  it('grants no other service (S3, SNS delivery come with the modules that need them)', () => {
    const key = Object.values(template.findResources('AWS::KMS::Key'))[0]!;
    const services = key.Properties.KeyPolicy.Statement.flatMap((s: { Principal?: { Service?: unknown } }) =>
      s.Principal?.Service ? [JSON.stringify(s.Principal.Service)] : [],
    );
    expect(services).toHaveLength(2);
  });
});
