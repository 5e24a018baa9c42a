// Least privilege across the whole stack: explicit actions, named resources, and who may touch the stream.
import { describe, expect, it } from 'vitest';
import { synthProvince } from '../helpers/synth.ts';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
type Policy = { Properties: { Roles: Array<{ Ref: string }>; PolicyDocument: { Statement: Statement[] } } };
const list = (a: string | string[]) => (Array.isArray(a) ? a : [a]);

describe.each(['da-nang', 'hue', 'can-tho'])('IAM of %s', (code) => {
  const { template, stack } = synthProvince(code);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Policy[];
  const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
  const actionsOf = (role: { node: { defaultChild?: unknown } } | undefined) => {
    const ref = stack.getLogicalId(role!.node.defaultChild as never);
    return policies
      .filter((p) => p.Properties.Roles.some((r) => r.Ref === ref))
      .flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((s) => list(s.Action)));
  };

  it('names every action: no "*" and no wildcard in any action', () => {
    const wildcards = statements.flatMap((s) => list(s.Action)).filter((a) => a.includes('*'));
    expect(wildcards).toEqual([]);
  });

  it('uses a wildcard resource only where IAM offers no narrower one', () => {
    // Resource "*": X-Ray tracing and the Rekognition calls the crowd module makes have no resource-level permissions.
    const anyResourceActions = [
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
      'rekognition:DetectLabels',
      'rekognition:StartLabelDetection',
      'rekognition:GetLabelDetection',
    ];
    // A "*" inside an ARN: only one object action on a prefix of the frames bucket (every frame is a new key).
    const framesBucket = stack.vision ? stack.getLogicalId(stack.vision.bucket.node.defaultChild as never) : undefined;
    const prefixOf = (resource: unknown) => {
      const join = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
      if (!framesBucket || !join || join[0] !== '' || join[1].length !== 2) return undefined;
      const [bucket, suffix] = join[1];
      const isFramesBucket = JSON.stringify(bucket) === JSON.stringify({ 'Fn::GetAtt': [framesBucket, 'Arn'] });
      return isFramesBucket && (suffix === '/frames/*' || suffix === '/clips/*') ? suffix : undefined;
    };
    const withWildcard = statements.filter((s) => JSON.stringify(s.Resource).includes('*'));
    expect(withWildcard.length).toBeGreaterThan(0);
    for (const s of withWildcard) {
      if (s.Resource === '*') {
        expect(list(s.Action).filter((a) => !anyResourceActions.includes(a)), JSON.stringify(s)).toEqual([]);
      } else {
        expect(prefixOf(s.Resource), JSON.stringify(s)).toBeDefined();
        expect(list(s.Action), JSON.stringify(s)).toHaveLength(1);
        expect(['s3:GetObject', 's3:PutObject']).toContain(list(s.Action)[0]);
      }
    }
  });

  it('attaches no AWS managed policy to any role', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('lets process-stream read the stream but never write to it', () => {
    const actions = actionsOf(stack.processor.fn.role);
    expect(actions).toContain('kinesis:GetRecords');
    expect(actions.filter((a) => /^kinesis:Put/.test(a))).toEqual([]);
  });

  it('gives operator-api no Kinesis permission at all', () => {
    expect(actionsOf(stack.api.operatorFunction.role).filter((a) => a.startsWith('kinesis:'))).toEqual([]);
  });

  it('lets the device authorizer do nothing on the tables but GetItem', () => {
    expect(actionsOf(stack.ingest.deviceAuthorizer.role).filter((a) => a.startsWith('dynamodb:'))).toEqual([
      'dynamodb:GetItem',
    ]);
  });

  it('lets the ingest function only put records on the stream (no reads, no tables)', () => {
    const actions = actionsOf(stack.ingest.ingestFunction?.role);
    expect(actions.filter((a) => a.startsWith('kinesis:')).sort()).toEqual([
      'kinesis:ListShards',
      'kinesis:PutRecord',
      'kinesis:PutRecords',
    ]);
    expect(actions.filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
  });
});
