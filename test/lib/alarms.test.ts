// The ops topic (encrypted, TLS-only, contacts subscribed) and the alarms that mean data is late or lost.
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthProvince } from '../helpers/synth.ts';

type Alarm = { Properties: Record<string, unknown> };

describe('Alarms', () => {
  const { template, stack } = synthProvince('hue');
  const topicRef = stack.resolve(stack.alarms.topic.topicArn);
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Alarm[];
  const alarmOn = (metricName: string, dimension?: unknown) =>
    alarms.filter(
      (a) =>
        a.Properties.MetricName === metricName &&
        (dimension === undefined || JSON.stringify(a.Properties.Dimensions).includes(JSON.stringify(dimension))),
    );

  it('encrypts the ops topic with the province key and refuses publishing without TLS', () => {
    template.resourceCountIs('AWS::SNS::Topic', 2); // ops topic and incident alert topic
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: stack.resolve(stack.key.key.keyArn) });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'cloudwatch.amazonaws.com' } }),
        ]),
      },
    });
  });

  it('subscribes every contact by email and SMS as configured', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 4); // each contact on both topics
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'pctt@hue.example.vn', TopicArn: topicRef });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'sms', Endpoint: '+84234000222', TopicArn: topicRef });
  });

  it('alarms as soon as a message waits in the failure queue', () => {
    const [alarm] = alarmOn('ApproximateNumberOfMessagesVisible');
    expect(alarm?.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'QueueName', Value: stack.resolve(stack.processor.failureQueue.queueName) }],
    });
  });

  it('alarms when the stream consumer falls more than a minute behind', () => {
    const [alarm] = alarmOn('IteratorAge');
    expect(alarm?.Properties).toMatchObject({
      Statistic: 'Maximum',
      Threshold: 60_000,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'FunctionName', Value: stack.resolve(stack.processor.fn.fn.functionName) }],
    });
  });

  it('alarms on errors and throttles of every function', () => {
    const functions = Object.keys(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(5);
    for (const fn of functions) {
      expect(alarmOn('Errors', { Ref: fn }), fn).toHaveLength(1);
      expect(alarmOn('Throttles', { Ref: fn }), fn).toHaveLength(1);
    }
  });

  it('alarms on API server errors', () => {
    const [alarm] = alarmOn('5xx');
    expect(alarm?.Properties).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      Dimensions: [{ Name: 'ApiId', Value: stack.resolve(stack.api.api.apiId) }],
    });
  });

  it('notifies the ops topic on alarm and on recovery', () => {
    expect(alarms).toHaveLength(3 + 2 * 5);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([topicRef]);
      expect(alarm.Properties.OKActions).toEqual([topicRef]);
    }
  });
});
