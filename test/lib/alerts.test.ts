// The incident alert topic and the sweep: encryption, TLS-only publishing, contacts, schedule and least-privilege grants.
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthProvince } from '../helpers/synth.ts';

describe('Alerts', () => {
  const { template, stack } = synthProvince('hue');
  const topicRef = { Ref: stack.getLogicalId(stack.alerts.topic.node.defaultChild as never) };
  const sweepRef = { 'Fn::GetAtt': [stack.getLogicalId(stack.alerts.sweep.fn.node.defaultChild as never), 'Arn'] };
  const policiesOf = (role: { node: { defaultChild?: unknown } }) =>
    Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(stack.getLogicalId(role.node.defaultChild as never)),
    );

  it('encrypts the alert topic with the province key, refuses publishing without TLS and subscribes the contacts', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { DisplayName: 'IOC hue', KmsMasterKeyId: stack.resolve(stack.key.key.keyArn) });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topicRef],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'pctt@hue.example.vn', TopicArn: topicRef });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'sms', Endpoint: '+84234000222', TopicArn: topicRef });
  });

  it('runs the sweep every minute', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: sweepRef, RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
  });

  it('lets the stream processor and the sweep publish alerts, and nothing else', () => {
    for (const fn of [stack.processor.fn, stack.alerts.sweep]) {
      const env = template.toJSON().Resources[stack.getLogicalId(fn.fn.node.defaultChild as never)].Properties.Environment.Variables;
      expect(env.ALERT_TOPIC_ARN).toEqual(topicRef);
      expect(env.ALERT_BASE_URL).toBeDefined();
      expect(JSON.stringify(policiesOf(fn.role))).toContain('"sns:Publish"');
    }
    for (const fn of [stack.api.operatorFunction, stack.ingest.deviceAuthorizer]) {
      expect(JSON.stringify(policiesOf(fn.role))).not.toContain('sns:Publish');
    }
  });

  it('names the incidents table indexes one by one in grants (no index wildcard)', () => {
    const text = JSON.stringify(policiesOf(stack.alerts.sweep.role));
    expect(text).toContain('/index/ByOpened');
    expect(text).toContain('/index/Active');
    expect(text).not.toContain('/index/*');
  });
});
