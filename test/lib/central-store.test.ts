// The two tables: keys, TTL, PITR, the province key, deletion protection and retention by sandbox; no GSI, no names.
import { describe, expect, it } from 'vitest';
import { synthProvince } from '../helpers/synth.ts';

describe('CentralStore', () => {
  const { template, stack } = synthProvince('da-nang');
  const sandbox = synthProvince('can-tho');
  const keyArn = stack.resolve(stack.key.key.keyArn);
  const logicalId = (t: unknown) => stack.getLogicalId(t as never);

  it('creates exactly two on-demand tables keyed pk/sk', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 2);
    const keyed = template.findResources('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      },
    });
    expect(Object.keys(keyed)).toHaveLength(2);
  });

  it('encrypts both with the province key and keeps point-in-time recovery on', () => {
    const tables = template.findResources('AWS::DynamoDB::Table', {
      Properties: {
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    });
    expect(Object.keys(tables)).toHaveLength(2);
  });

  it('expires raw observations through expiresAt; the registry never expires', () => {
    const observations = template.toJSON().Resources[logicalId(stack.store.observations.node.defaultChild)];
    const registry = template.toJSON().Resources[logicalId(stack.store.registry.node.defaultChild)];
    expect(observations.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(registry.Properties.TimeToLiveSpecification).toBeUndefined();
  });

  it('has no secondary index and no physical table name', () => {
    for (const table of Object.values(template.findResources('AWS::DynamoDB::Table'))) {
      expect(table.Properties.GlobalSecondaryIndexes).toBeUndefined();
      expect(table.Properties.LocalSecondaryIndexes).toBeUndefined();
      expect(table.Properties.TableName).toBeUndefined();
    }
  });

  it('retains and deletion-protects tables unless the province is a sandbox', () => {
    const kept = template.findResources('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { DeletionProtectionEnabled: true },
    });
    expect(Object.keys(kept)).toHaveLength(2);
    const thrown = sandbox.template.findResources('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: { DeletionProtectionEnabled: false },
    });
    expect(Object.keys(thrown)).toHaveLength(2);
  });
});
