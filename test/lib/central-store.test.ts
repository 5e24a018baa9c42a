// The three tables: keys, TTL, PITR, the province key, deletion protection and retention by sandbox; indexes only on incidents.
import { describe, expect, it } from 'vitest';
import { synthProvince } from '../helpers/synth.ts';

describe('CentralStore', () => {
  const { template, stack } = synthProvince('da-nang');
  const sandbox = synthProvince('can-tho');
  const keyArn = stack.resolve(stack.key.key.keyArn);
  const resourceOf = (table: { node: { defaultChild?: unknown } }) =>
    template.toJSON().Resources[stack.getLogicalId(table.node.defaultChild as never)];

  it('creates exactly three on-demand tables keyed pk/sk', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 3);
    for (const table of Object.values(template.findResources('AWS::DynamoDB::Table'))) {
      expect(table.Properties.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    }
  });

  it('encrypts all with the province key and keeps point-in-time recovery on', () => {
    const tables = template.findResources('AWS::DynamoDB::Table', {
      Properties: {
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    });
    expect(Object.keys(tables)).toHaveLength(3);
  });

  it('expires raw observations and short-lived registry items through expiresAt; incidents never expire', () => {
    expect(resourceOf(stack.store.observations).Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    // The registry keeps devices, edits and usage without expiresAt; only the analyzer's per-frame ledger sets it.
    expect(resourceOf(stack.store.registry).Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(resourceOf(stack.store.incidents).Properties.TimeToLiveSpecification).toBeUndefined();
  });

  it('indexes only the incidents table: all incidents by opening time, and the sparse active ones', () => {
    expect(resourceOf(stack.store.observations).Properties.GlobalSecondaryIndexes).toBeUndefined();
    expect(resourceOf(stack.store.registry).Properties.GlobalSecondaryIndexes).toBeUndefined();
    const indexes = resourceOf(stack.store.incidents).Properties.GlobalSecondaryIndexes as Array<{ IndexName: string; KeySchema: unknown }>;
    expect(indexes.map((i) => [i.IndexName, i.KeySchema])).toEqual([
      ['ByOpened', [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }, { AttributeName: 'gsi1sk', KeyType: 'RANGE' }]],
      ['Active', [{ AttributeName: 'gsi2pk', KeyType: 'HASH' }, { AttributeName: 'gsi2sk', KeyType: 'RANGE' }]],
    ]);
    for (const table of Object.values(template.findResources('AWS::DynamoDB::Table'))) expect(table.Properties.TableName).toBeUndefined();
  });

  it('retains and deletion-protects tables unless the province is a sandbox', () => {
    const kept = template.findResources('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { DeletionProtectionEnabled: true },
    });
    expect(Object.keys(kept)).toHaveLength(3);
    const thrown = sandbox.template.findResources('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: { DeletionProtectionEnabled: false },
    });
    expect(Object.keys(thrown)).toHaveLength(3);
  });
});
