// The ops topic (encrypted, TLS-only, contacts subscribed) and the alarms that mean data is late or lost.
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalIdOf, provinceFunctions, synthProvince } from '../helpers/synth.ts';

type Alarm = { Properties: Record<string, unknown> };

describe('Alarms', () => {
  const { template, stack, config } = synthProvince('hue');
  const topicRef = stack.resolve(stack.alarms.topic.topicArn);
  const functions = provinceFunctions(stack);
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Alarm[];
  const alarmOn = (metricName: string, dimension?: unknown) =>
    alarms.filter(
      (a) =>
        a.Properties.MetricName === metricName &&
        (dimension === undefined || JSON.stringify(a.Properties.Dimensions).includes(JSON.stringify(dimension))),
    );

  it('encrypts the ops topic with the province key and refuses publishing without TLS', () => {
    // The ops and incident alert topics, and the crowd module's clip-completion topic: all on the province key.
    const topics = [stack.alarms.topic, stack.alerts.topic, ...(stack.vision ? [stack.vision.clipTopic] : [])];
    expect(Object.keys(template.findResources('AWS::SNS::Topic')).sort()).toEqual(topics.map((t) => logicalIdOf(stack, t)).sort());
    template.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: stack.resolve(stack.key.key.keyArn) });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topicRef],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'cloudwatch.amazonaws.com' } }),
        ]),
      },
    });
  });

  it('subscribes every contact by email and SMS as configured', () => {
    const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription'));
    const endpoints = config.alerts.contacts.flatMap((c) => [c.email, c.sms].filter((e) => e !== undefined));
    const toContacts = subscriptions.filter((s) => ['email', 'sms'].includes(s.Properties.Protocol));
    expect(toContacts).toHaveLength(2 * endpoints.length); // each contact on the ops and the alert topic
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'pctt@hue.example.vn', TopicArn: topicRef });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'sms', Endpoint: '+84234000222', TopicArn: topicRef });
    // The only other subscription: finish-clip on the clip topic (crowd module).
    expect(subscriptions.filter((s) => !toContacts.includes(s)).map((s) => s.Properties)).toEqual([
      {
        Protocol: 'lambda',
        TopicArn: stack.resolve(stack.vision!.clipTopic.topicArn),
        Endpoint: stack.resolve(stack.vision!.finishClip.fn.functionArn),
      },
    ]);
  });

  it('alarms as soon as a message waits in the failure queue', () => {
    const queue = { Name: 'QueueName', Value: stack.resolve(stack.processor.failureQueue.queueName) };
    const [alarm, ...others] = alarmOn('ApproximateNumberOfMessagesVisible', queue);
    expect(others).toEqual([]);
    expect(alarm?.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [queue],
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
    const inTemplate = Object.keys(template.findResources('AWS::Lambda::Function'));
    expect(inTemplate.sort()).toEqual(functions.map((f) => logicalIdOf(stack, f.fn)).sort());
    for (const fn of inTemplate) {
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
    // Failure queue, iterator age and API 5xx; errors and throttles per function; the modules' own alarms.
    const moduleAlarms = stack.vision?.alarms ?? [];
    expect(moduleAlarms.length).toBeGreaterThan(0);
    expect(alarms).toHaveLength(3 + 2 * functions.length + moduleAlarms.length);
    for (const alarm of moduleAlarms) expect(template.toJSON().Resources[logicalIdOf(stack, alarm)]?.Type).toBe('AWS::CloudWatch::Alarm');
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([topicRef]);
      expect(alarm.Properties.OKActions).toEqual([topicRef]);
    }
  });
});
