// The local runner's template reader: unknown types reported by name, intrinsics resolved against local values.
import { describe, expect, it } from 'vitest';
import { ACCEPTED_TYPES, EMULATED_TYPES, IntrinsicError, UnknownResourceTypeError, planTemplate, resolve, type ResolveContext } from '../../local/template.ts';
import { localValues, physicalName } from '../../local/provision.ts';
import { synthProvince } from '../helpers/synth.ts';

const ctx: ResolveContext = {
  refs: { Table: 'tbl-1', Queue: 'http://127.0.0.1:5000/123456789012/q' },
  attrs: { Table: { Arn: 'arn:aws:dynamodb:ap-southeast-1:123456789012:table/tbl-1' }, Fn: { Arn: 'arn:fn' } },
  pseudo: { AccountId: '123456789012', Region: 'ap-southeast-1', Partition: 'aws', URLSuffix: 'amazonaws.com', StackName: 'S', StackId: 'id' },
  conditions: { IsProd: { 'Fn::Equals': ['prod', 'dev'] } },
};

describe('template reader', () => {
  it('reports every resource type it neither emulates nor accepts, by type and logical id', () => {
    const t = { Resources: { A: { Type: 'AWS::DynamoDB::Table' }, B: { Type: 'AWS::AppSync::GraphQLApi' }, C: { Type: 'AWS::RDS::DBInstance' } } };
    expect(() => planTemplate(t)).toThrow(UnknownResourceTypeError);
    try {
      planTemplate(t);
    } catch (e) {
      expect((e as Error).message).toContain('AWS::AppSync::GraphQLApi (B)');
      expect((e as Error).message).toContain('AWS::RDS::DBInstance (C)');
      expect((e as UnknownResourceTypeError).unknown).toHaveLength(2);
    }
  });

  it('knows every resource type of every sample province', () => {
    for (const code of ['da-nang', 'hue', 'can-tho']) {
      const types = new Set(Object.values(synthProvince(code).template.toJSON().Resources as Record<string, { Type: string }>).map((r) => r.Type));
      for (const type of types) expect(type in EMULATED_TYPES || type in ACCEPTED_TYPES, `${code}: ${type}`).toBe(true);
    }
  });

  it('resolves Ref, GetAtt, Join, Sub (both forms), Select, Split, If, pseudo parameters and NoValue', () => {
    expect(resolve({ Ref: 'Table' }, ctx)).toBe('tbl-1');
    expect(resolve({ 'Fn::GetAtt': ['Table', 'Arn'] }, ctx)).toContain(':table/tbl-1');
    expect(resolve({ 'Fn::GetAtt': 'Table.Arn' }, ctx)).toContain(':table/tbl-1');
    expect(resolve({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':x']] }, ctx)).toBe('arn:aws:x');
    expect(resolve({ 'Fn::Sub': 'cdk-${AWS::AccountId}-${AWS::Region}' }, ctx)).toBe('cdk-123456789012-ap-southeast-1');
    expect(resolve({ 'Fn::Sub': ['${T}/${Table.Arn}/${!Literal}', { T: { Ref: 'Table' } }] }, ctx)).toBe(
      'tbl-1/arn:aws:dynamodb:ap-southeast-1:123456789012:table/tbl-1/${Literal}',
    );
    expect(resolve({ 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] }, ctx)).toBe('b');
    expect(resolve({ 'Fn::If': ['IsProd', 'p', 'd'] }, ctx)).toBe('d');
    expect(resolve({ a: 1, b: { Ref: 'AWS::NoValue' }, c: [1, { Ref: 'AWS::NoValue' }] }, ctx)).toEqual({ a: 1, c: [1] });
  });

  it('names the unresolvable', () => {
    expect(() => resolve({ x: { Ref: 'Missing' } }, ctx)).toThrow(/\$\.x.*Missing/);
    expect(() => resolve({ 'Fn::ImportValue': 'x' }, ctx)).toThrow(IntrinsicError);
    expect(() => resolve({ 'Fn::GetAtt': ['Table', 'StreamLabel'] }, ctx)).toThrow(/Table\.StreamLabel/);
  });

  it('gives every function of a real template its environment with all references resolved', () => {
    const { template } = synthProvince('da-nang');
    const t = template.toJSON() as import('../../local/template.ts').CfnTemplate;
    const values = localValues({ stackName: 'SmartCity-da-nang', region: 'ap-southeast-1', motoEndpoint: 'http://127.0.0.1:1', apiUrl: 'http://127.0.0.1:2', issuer: 'http://127.0.0.1:2/i', clientId: 'c' }, t);
    for (const [id, r] of Object.entries(t.Resources as Record<string, { Type: string; Properties: { Environment?: unknown } }>)) {
      if (r.Type !== 'AWS::Lambda::Function') continue;
      const env = resolve(r.Properties.Environment, values) as { Variables: Record<string, string> };
      for (const [k, v] of Object.entries(env.Variables)) expect(typeof v, `${id} ${k}`).toBe('string');
    }
    expect(physicalName('SmartCity-da-nang', 'FramesBucket1234', 'AWS::S3::Bucket')).toBe('smartcity-da-nang-framesbucket1234');
  });
});
