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

  it('grants no other service: S3 delivery to the encrypted frames queue comes with the crowd module only', () => {
    const servicesOf = (t: typeof template) => {
      const key = Object.values(t.findResources('AWS::KMS::Key'))[0]!;
      return (key.Properties.KeyPolicy.Statement as Array<{ Principal?: { Service?: unknown } }>).flatMap((s) =>
        s.Principal?.Service ? [s] : [],
      );
    };
    const logs = JSON.stringify(stack.resolve(`logs.${stack.region}.amazonaws.com`));
    const names = (t: typeof template) => servicesOf(t).map((s) => JSON.stringify(s.Principal!.Service));
    // can-tho has no crowd module: the core services only.
    expect(names(sandbox.template).sort()).toEqual([logs, '"cloudwatch.amazonaws.com"', '"budgets.amazonaws.com"'].sort());
    // da-nang has it: S3 may also use the key, for this account's notifications only.
    expect(names(template).sort()).toEqual([logs, '"cloudwatch.amazonaws.com"', '"budgets.amazonaws.com"', '"s3.amazonaws.com"'].sort());
    expect(servicesOf(template).find((s) => JSON.stringify(s.Principal!.Service) === '"s3.amazonaws.com"')).toMatchObject({
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
  });
});
